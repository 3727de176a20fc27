import Screen
import TraceModel

/// The live event picker: every event the kernel offers (`system:event`), narrowed as you type; space turns
/// the selected one on or off in the running capture. Holds only names: the capture applies the changes.
public struct EventPicker: Sendable, Equatable {
    public private(set) var query = ""
    /// The cursor and the first row shown.
    private var scroll = ScrollList()
    public private(set) var cursor: Int {
        get { scroll.cursor }
        set { scroll.cursor = newValue }
    }
    /// Toggles asked for and not yet seen in the capture's list: shown at once, so the tick follows the key.
    private var pending: [String: Bool] = [:]

    public init() {}

    public enum Outcome: Equatable {
        case editing, closed
        case toggle(String, Bool)
    }

    /// The events matching the query (every word of it, in any order).
    public func matches(_ available: [String]) -> [String] {
        let words = query.lowercased().split(separator: " ")
        guard !words.isEmpty else { return available }
        return available.filter { name in words.allSatisfy { name.contains($0) } }
    }

    public func isEnabled(_ name: String, enabled: Set<String>) -> Bool {
        pending[name] ?? enabled.contains(name)
    }

    public mutating func apply(_ key: Key, available: [String], enabled: Set<String>, pageHeight: Int) -> Outcome {
        let list = matches(available)
        switch key {
        case .escape, .enter, .ctrl("c"): return .closed
        case .up, .down, .pageUp, .pageDown, .home, .end:
            let moves: [Key: Command] = [.up: .lineUp, .down: .lineDown, .pageUp: .pageUp, .pageDown: .pageDown,
                                         .home: .top, .end: .bottom]
            _ = scroll.move(moves[key]!, count: list.count, pageHeight: pageHeight)
        case .backspace:
            if !query.isEmpty { query.removeLast() }
            cursor = 0
        case .ctrl("u"):
            query = ""
            cursor = 0
        case .char(" "):
            guard cursor < list.count else { return .editing }
            let name = list[cursor]
            let on = !isEnabled(name, enabled: enabled)
            pending[name] = on
            return .toggle(name, on)
        case .char(let c):
            query.append(c)
            cursor = 0
        default: break
        }
        cursor = max(0, min(cursor, list.count - 1))
        return .editing
    }

    /// Forgets pending ticks the capture now reports.
    public mutating func settle(enabled: Set<String>) {
        pending = pending.filter { enabled.contains($0.key) != $0.value }
    }

    /// Keeps the cursor within the list drawn in `bounds`.
    public mutating func layout(available: [String], in bounds: Rect) {
        scroll.reveal(height: max(0, Self.frame(bounds).height - 3))
    }

    private static func frame(_ bounds: Rect) -> Rect {
        bounds.centered(width: min(bounds.width, 64), height: bounds.height)
    }

    public func render(available: [String], enabled: Set<String>, into canvas: inout Canvas, in bounds: Rect) {
        let list = matches(available)
        let rect = Self.frame(bounds)
        canvas.fill(rect, role: .help)
        canvas.box(rect, title: "events — type to search, space toggles, Enter closes", role: .help)
        guard rect.height > 3 else { return }
        let on = available.filter { isEnabled($0, enabled: enabled) }.count
        canvas.put(" search: \(query)", x: rect.x + 1, y: rect.y + 1, role: .prompt, limit: rect.maxX - 1)
        canvas.put("\(list.count) of \(available.count), \(on) on ", x: max(rect.x + 1, rect.maxX - 28), y: rect.y + 1,
                   role: .help, limit: rect.maxX - 1)
        let visible = max(0, rect.height - 3)
        for (i, name) in list.dropFirst(scroll.top).prefix(visible).enumerated() {
            let y = rect.y + 2 + i
            let selected = scroll.top + i == cursor
            let mark = isEnabled(name, enabled: enabled) ? "[x] " : "[ ] "
            if selected { canvas.fill(Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: 1), role: .selected) }
            canvas.put(" " + mark + name, x: rect.x + 1, y: y, role: selected ? .selected : .helpKey, limit: rect.maxX - 1)
        }
    }
}

extension EventPicker: TraceView {
    public static var keyContext: KeyContext { .live }

    /// Every key is the picker's: typing narrows, arrows move, space toggles, Enter or Esc closes.
    public mutating func handleKey(_ key: Key, _ ctx: ViewContext) -> ViewOutcome {
        let live = ctx.snapshot.live ?? LiveStatus()
        switch apply(key, available: live.availableEvents, enabled: Set(live.enabledEvents), pageHeight: ctx.pageHeight) {
        case .closed: return .close
        case .editing: return .handled
        case .toggle(let name, let on): return .emit(.setEvent(name: name, enabled: on))
        }
    }

    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome { .handled }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        guard let live = ctx.snapshot.live else { return }
        settle(enabled: Set(live.enabledEvents))
        layout(available: live.availableEvents, in: rect)
    }

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        guard let live = ctx.snapshot.live else { return }
        render(available: live.availableEvents, enabled: Set(live.enabledEvents), into: &canvas, in: rect)
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine { StatusLine([(" events", .statusAccent)]) }
}
