import Screen

/// The `?` screen: every binding of the keymap, grouped by section.
struct HelpOverlay {
    /// Shows the bindings that apply where the focus is: the global ones and the focused view's.
    /// Returns the largest useful scroll, so that the app can keep `scroll` within it.
    @discardableResult
    static func render(keymap: Keymap, context: KeyContext, live: Bool = false, scroll: Int = 0,
                       into canvas: inout Canvas, in bounds: Rect) -> Int {
        let lines = Self.lines(keymap: keymap, context: context, live: live)
        let (rect, keyWidth) = frame(lines, in: bounds)
        let visible = max(0, rect.height - 2)
        let maxScroll = max(0, lines.count - visible)
        let first = min(scroll, maxScroll)
        canvas.fill(rect, role: .help)
        canvas.box(rect, title: maxScroll > 0 ? "tracetui keys — j/k scroll, other keys close"
                                              : "tracetui keys — any key closes", role: .help)
        if first + visible < lines.count {
            canvas.put(" ↓ \(lines.count - first - visible) more ", x: rect.maxX - 16, y: rect.maxY - 1, role: .help,
                       limit: rect.maxX - 1)
        }
        for (i, line) in lines.dropFirst(first).prefix(visible).enumerated() {
            let y = rect.y + 1 + i
            canvas.put(line.0, x: rect.x + 2, y: y, role: line.2 ? .header : .helpKey, limit: rect.maxX - 1)
            canvas.put(line.1, x: rect.x + 3 + keyWidth, y: y, role: .help, limit: rect.maxX - 1)
        }
        return maxScroll
    }

    /// The largest useful scroll of the list in `bounds`.
    static func maxScroll(keymap: Keymap, context: KeyContext, live: Bool, in bounds: Rect) -> Int {
        let lines = Self.lines(keymap: keymap, context: context, live: live)
        return max(0, lines.count - max(0, frame(lines, in: bounds).rect.height - 2))
    }

    /// The box the list is drawn in and the width of its key column.
    private static func frame(_ lines: [(String, String, Bool)], in bounds: Rect) -> (rect: Rect, keyWidth: Int) {
        let keyWidth = min(18, lines.map(\.0.count).max() ?? 10)
        let width = min(bounds.width, max(44, keyWidth + 4 + (lines.map(\.1.count).max() ?? 20) + 2))
        return (bounds.centered(width: width, height: min(bounds.height, lines.count + 2)), keyWidth)
    }

    /// The lines: section titles, each binding's keys and help, and the filter syntax under the stream's.
    private static func lines(keymap: Keymap, context: KeyContext, live: Bool) -> [(String, String, Bool)] {
        var lines: [(String, String, Bool)] = []
        var section = ""
        for b in keymap.bindings where b.context == .global || b.context == context || (live && b.context == .live) {
            if b.section != section {
                section = b.section
                if !lines.isEmpty { lines.append(("", "", false)) }
                lines.append((section, "", true))
            }
            lines.append((Keymap.label(b), b.help, false))
        }
        if context == .stream {
            lines.append(("", "", false))
            lines.append(("filters", "event, comm, pid, tgid, cpu, task, time, line, or any field", true))
            lines.append(("", "== != < <= > >= =~ !~  && || ! ( )", false))
        }
        return lines
    }
}
