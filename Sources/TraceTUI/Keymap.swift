import Screen

/// One key binding: the keys, the command, and the words the help screen and README show.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: Command
    public var help: String
    public var section: String
}

/// The single table of key bindings: the app looks keys up here, and the help overlay and the README's
/// key table are generated from it.
public struct Keymap: Sendable {
    public var bindings: [KeyBinding]

    public static let standard = Keymap(bindings: [
        KeyBinding(keys: [.up, .char("k")], command: .lineUp, help: "previous event", section: "Move"),
        KeyBinding(keys: [.down, .char("j")], command: .lineDown, help: "next event", section: "Move"),
        KeyBinding(keys: [.pageUp, .char("b"), .ctrl("b")], command: .pageUp, help: "page up", section: "Move"),
        KeyBinding(keys: [.pageDown, .char(" "), .ctrl("f")], command: .pageDown, help: "page down", section: "Move"),
        KeyBinding(keys: [.ctrl("u")], command: .halfPageUp, help: "half a page up", section: "Move"),
        KeyBinding(keys: [.ctrl("d")], command: .halfPageDown, help: "half a page down", section: "Move"),
        KeyBinding(keys: [.home, .char("g")], command: .top, help: "first event", section: "Move"),
        KeyBinding(keys: [.end, .char("G")], command: .bottom, help: "last event", section: "Move"),
        KeyBinding(keys: [.left], command: .scrollLeft, help: "scroll details left", section: "Move"),
        KeyBinding(keys: [.right], command: .scrollRight, help: "scroll details right", section: "Move"),
        KeyBinding(keys: [.char("t")], command: .jumpToTime, help: "jump to a timestamp", section: "Move"),
        KeyBinding(keys: [.char("/")], command: .search, help: "search text (smart case)", section: "Find"),
        KeyBinding(keys: [.char("n")], command: .searchNext, help: "next match", section: "Find"),
        KeyBinding(keys: [.char("N")], command: .searchPrevious, help: "previous match", section: "Find"),
        KeyBinding(keys: [.char("f")], command: .filter,
                   help: "filter: event == sched_switch && next_prio < 100", section: "Find"),
        KeyBinding(keys: [.escape], command: .clearFilter, help: "clear filter / close panel", section: "Find"),
        KeyBinding(keys: [.char("m")], command: .setMarkerA, help: "set marker A here", section: "Markers"),
        KeyBinding(keys: [.char("M")], command: .setMarkerB, help: "set marker B here (shows B−A)", section: "Markers"),
        KeyBinding(keys: [.char("'")], command: .jumpToMarker, help: "jump between markers A and B", section: "Markers"),
        KeyBinding(keys: [.enter], command: .toggleDetail, help: "event details: fields, flags, stack",
                   section: "View"),
        KeyBinding(keys: [.char("?"), .function(1)], command: .help, help: "this help", section: "View"),
        KeyBinding(keys: [.ctrl("l")], command: .redraw, help: "redraw the screen", section: "View"),
        KeyBinding(keys: [.char("q"), .ctrl("c")], command: .quit, help: "quit", section: "View"),
    ])

    public func command(for key: Key) -> Command? {
        bindings.first(where: { $0.keys.contains(key) })?.command
    }

    /// `↑ k` — the keys of a binding as the help shows them.
    public static func label(_ binding: KeyBinding) -> String {
        binding.keys.map(\.label).joined(separator: " ")
    }

    /// The README's key table, in Markdown.
    public var markdownTable: String {
        var lines = ["| keys | action |", "|---|---|"]
        for b in bindings {
            let keys = b.keys.map { "`\($0.label)`" }.joined(separator: " ")
            lines.append("| \(keys) | \(b.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
