import Screen
import TraceModel

/// Drawing the call tree: the header, one line a visible call with its fields and share, the field chooser.
extension CallTreeView {
    // MARK: - drawing

    /// Keeps the cursor within the rows shown in `rect` (a header line, then the calls).
    mutating func layout(in rect: Rect) {
        list.reveal(height: rect.height - 1)
    }

    func render(into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0, rect.width > 0 else { return }
        let (header, body) = rect.splitTop(1)
        canvas.fill(header, role: .header)
        let merged = model.mode == .merged
        // Calls, avg, min and max say nothing new about a single call: the timeline shows them merged only.
        let shown = fields.filter { merged || $0 == .total || $0 == .selfTime }
        let columns = shown.map { Self.pad($0.title, $0.width) }.joined() + "      %  FUNCTION"
        canvas.put(columns, x: rect.x + 1, y: header.y, role: .header, limit: rect.maxX)
        canvas.fill(body, role: .normal)
        if rows.isEmpty {
            canvas.put("no function_graph calls in this trace", x: body.x + 1, y: body.y, role: .dim, limit: body.maxX)
            return
        }
        let unfolded = open
        for line in 0..<body.height {
            let i = list.top + line
            guard i < rows.count else { break }
            let (n, depth) = rows[i]
            let y = body.y + line
            let total = model.total(n)
            let rootTotal = model.total(rootOf(i))
            var x = rect.x + 1
            for field in shown {
                let (text, role): (String, Role)
                switch field {
                case .total: (text, role) = (TimeFormat.duration(nanoseconds: total), .time)
                case .selfTime: (text, role) = (TimeFormat.duration(nanoseconds: model.selfTime(n)), .normal)
                case .calls: (text, role) = (String(model.calls(n)), .cpu)
                case .average: (text, role) = (TimeFormat.duration(nanoseconds: model.average(n)), .normal)
                case .minimum: (text, role) = (TimeFormat.duration(nanoseconds: model.minimum(n)), .normal)
                case .maximum: (text, role) = (TimeFormat.duration(nanoseconds: model.maximum(n)), .normal)
                }
                x = canvas.put(Self.pad(text, field.width), x: x, y: y, role: role, limit: rect.maxX)
            }
            let pct = rootTotal > 0 ? Double(total) * 100 / Double(rootTotal) : 0
            x = canvas.put(Self.pad(Self.percent(pct), 7), x: x, y: y, role: .dim, limit: rect.maxX)
            x = canvas.put(" " + Self.overheadMark(total), x: x, y: y, role: .overhead, limit: rect.maxX)
            x = canvas.put(" " + String(repeating: "  ", count: depth), x: x, y: y, role: .normal, limit: rect.maxX)
            let marker = model.hasChildren(n) ? (unfolded.contains(n) ? "▼ " : "▶ ") : "  "
            x = canvas.put(marker, x: x, y: y, role: .dim, limit: rect.maxX)
            let role: Role = model.isIRQ(n) ? .eventIRQ : model.isIncomplete(n) ? .dim : .eventFunction
            x = canvas.put(model.name(n), x: x, y: y, role: role, limit: rect.maxX)
            if model.isIncomplete(n) { x = canvas.put(" …", x: x, y: y, role: .dim, limit: rect.maxX) }
            if model.isIRQ(n), depth == 0 || !model.isIRQ(parentAt(i)) {
                x = canvas.put(" [irq]", x: x, y: y, role: .eventIRQ, limit: rect.maxX)
            }
            if !merged, depth == 0 {
                canvas.put("  " + model.label(n), x: x, y: y, role: .task, limit: rect.maxX)
            }
            if i == cursor { canvas.restyle(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selected) }
        }
        renderChooser(into: &canvas, in: rect)
    }

    func renderChooser(into canvas: inout Canvas, in bounds: Rect) {
        guard let choice = fieldChooser else { return }
        let all = Field.allCases
        let rect = bounds.centered(width: 34, height: all.count + 2)
        canvas.fill(rect, role: .help)
        canvas.box(rect, title: "fields — space toggles", role: .help)
        for (i, f) in all.enumerated() {
            let y = rect.y + 1 + i
            let mark = fields.contains(f) ? "[x] " : "[ ] "
            canvas.put(mark + f.rawValue, x: rect.x + 2, y: y, role: .help, limit: rect.maxX - 1)
            if i == choice { canvas.restyle(Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: 1), role: .selected) }
        }
    }

    /// The node at the top of the row's branch (for the % column).
    func rootOf(_ i: Int) -> Int {
        var j = i
        while j > 0, rows[j].depth > 0 { j -= 1 }
        return rows[j].node
    }

    func parentAt(_ i: Int) -> Int {
        let d = rows[i].depth
        var j = i
        while j > 0, rows[j].depth >= d { j -= 1 }
        return rows[j].node
    }

    /// The kernel's overhead marks: + >10µs, ! >100µs, # >1ms, * >10ms, @ >100ms, $ >1s.
    static func overheadMark(_ ns: Int64) -> String {
        switch ns {
        case 1_000_000_000...: return "$"
        case 100_000_000...: return "@"
        case 10_000_000...: return "*"
        case 1_000_000...: return "#"
        case 100_000...: return "!"
        case 10_000...: return "+"
        default: return " "
        }
    }

    static func percent(_ p: Double) -> String {
        let tenths = Int((p * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? s : String(repeating: " ", count: w - s.count) + s
    }
}
