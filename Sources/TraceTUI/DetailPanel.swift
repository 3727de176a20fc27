import Screen
import TraceModel

/// The Enter panel: one event taken apart — time, cpu, task, flags explained, the event's fields,
/// the attached stack and the raw line.
struct DetailPanel {
    static func lines(for row: Int, store: EventStore) -> [(key: String, value: String)] {
        let r = store.row(row)
        let clock = store.summary.clock
        var out: [(String, String)] = []
        out.append(("event", store.eventNames[Int(r.event)]))
        if r.isEvent {
            out.append(("time", "\(TimeFormat.timestamp(r.timestamp, clock: clock))"
                        + (clock == .counter ? " (raw counter)" : "  (\(r.timestamp) ns)")))
            if let cpu = r.cpu { out.append(("cpu", String(cpu))) }
            let task = Int(r.task)
            if store.taskPIDs[task] >= 0 {
                out.append(("comm", store.taskNames[task]))
                out.append(("pid", String(store.taskPIDs[task])))
                if store.taskTGIDs[task] >= 0 { out.append(("tgid", String(store.taskTGIDs[task]))) }
            }
            if r.flags.isPresent {
                out.append(("flags", r.flags.explanation.joined(separator: ", ")))
            }
            for (k, v) in EventFields.parse(store.payloadText(row)) { out.append(("  " + k, v)) }
        }
        let stack = store.stack(row)
        if !stack.isEmpty {
            out.append(("stack", "\(stack.count) frames"))
            for frame in stack { out.append(("", "=> " + frame)) }
        }
        out.append(("line", store.lineText(row)))
        out.append(("row", "\(row + 1) of \(store.count)"))
        return out
    }

    /// The largest useful scroll of `rows` in a panel of `rect`.
    static func maxScroll(_ rows: [(key: String, value: String)], in rect: Rect) -> Int {
        guard rect.height >= 3, rect.width >= 10 else { return 0 }
        return max(0, rows.count - (rect.height - 2))
    }

    /// Draws the panel from line `scroll` on; returns the largest useful scroll.
    @discardableResult
    static func render(_ rows: [(key: String, value: String)], scroll: Int = 0, fullScreen: Bool = false,
                       into canvas: inout Canvas, in rect: Rect) -> Int {
        guard rect.height >= 3, rect.width >= 10 else { return 0 }
        canvas.fill(rect, role: .normal)
        let inner = Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        let maxScroll = max(0, rows.count - inner.height)
        let first = min(scroll, maxScroll)
        let title = fullScreen ? "event details — j/k scroll, Enter/Esc closes"
            : rows.count > inner.height ? "event details — Enter: full screen, Esc closes"
            : "event details — Enter/Esc closes"
        canvas.box(rect, title: title)
        let keyWidth = min(16, rows.map(\.key.count).max() ?? 0)
        for (i, item) in rows.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + i
            canvas.put(item.key, x: inner.x, y: y, role: .detailKey, limit: inner.x + keyWidth)
            canvas.put(item.value, x: inner.x + keyWidth + 2, y: y, role: .normal, limit: inner.maxX)
        }
        let below = rows.count - first - inner.height
        if below > 0 {
            canvas.put(" ↓ \(below) more ", x: rect.maxX - 16, y: rect.maxY - 1, role: .border, limit: rect.maxX - 1)
        }
        return maxScroll
    }
}
