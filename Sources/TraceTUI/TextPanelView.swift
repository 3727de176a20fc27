import Screen

/// A scrollable text panel in front of the screen: `--bpf` opens it with the reason an object was not loaded (the
/// verifier's log, libbpf's words). The moving keys scroll it (the log can be thousands of lines); Esc, q or any
/// other key closes it.
public struct TextPanelView: TraceView, Equatable, Sendable {
    public static var keyContext: KeyContext { .global }
    let title: String
    let text: [String]
    /// `text` wrapped to the width of the last layout.
    private(set) var lines: [String]
    private(set) var scroll = 0
    /// Lines that fit, from the last layout.
    private(set) var visible = 1

    public init(title: String, text: String) {
        self.title = title
        self.text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            // Tabs in the verifier's log would leave holes in the cells.
            String(line).replacingTabs()
        }
        lines = self.text
    }

    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        let page = max(1, visible - 1)
        switch command {
        case .lineDown: scroll += 1
        case .lineUp: scroll -= 1
        case .pageDown: scroll += page
        case .halfPageDown: scroll += max(1, page / 2)
        case .pageUp: scroll -= page
        case .halfPageUp: scroll -= max(1, page / 2)
        case .top: scroll = 0
        case .bottom: scroll = lines.count
        default: return .close
        }
        scroll = min(max(0, scroll), maxScroll)
        return .handled
    }

    /// A key without a command closes it too.
    public mutating func handleKey(_ key: Key, _ ctx: ViewContext) -> ViewOutcome {
        ctx.keymap.command(for: key, in: ctx.focus) == nil ? .close : .unhandled
    }

    var maxScroll: Int { max(0, lines.count - visible) }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        let box = Self.frame(in: rect)
        visible = max(1, box.height - 2)
        lines = Self.wrap(text, width: box.width - 4)
        scroll = min(scroll, maxScroll)
    }

    static func frame(in bounds: Rect) -> Rect { bounds }

    /// The lines cut to `width` columns (long verifier lines carry on below, never out of sight).
    static func wrap(_ lines: [String], width: Int) -> [String] {
        guard width > 0 else { return lines }
        var out: [String] = []
        for line in lines {
            var rest = Substring(line)
            repeat {
                out.append(String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            } while !rest.isEmpty
        }
        return out
    }

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        let box = Self.frame(in: rect)
        guard box.width > 2, box.height > 2 else { return }
        canvas.fill(box, role: .help)
        let keys = maxScroll > 0 ? "j/k PgUp/PgDn scroll, Esc closes" : "Esc closes"
        canvas.box(box, title: "\(title) — \(keys)", role: .help)
        let inner = box.height - 2
        for (k, line) in lines.dropFirst(scroll).prefix(inner).enumerated() {
            canvas.put(line, x: box.x + 2, y: box.y + 1 + k, role: .help, limit: box.maxX - 1)
        }
        let below = lines.count - scroll - inner
        if below > 0 {
            let note = " ↓ \(below) more "
            canvas.put(note, x: max(box.x + 1, box.maxX - note.count - 2), y: box.maxY - 1, role: .help, limit: box.maxX - 1)
        }
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        StatusLine([(" " + title, .statusAccent)])
    }
}

extension String {
    /// Tabs as spaces to the next multiple of 8.
    func replacingTabs() -> String {
        guard contains("\t") else { return self }
        var out = ""
        var column = 0
        for c in self {
            if c == "\t" {
                let n = 8 - column % 8
                out += String(repeating: " ", count: n)
                column += n
            } else {
                out.append(c)
                column += 1
            }
        }
        return out
    }
}
