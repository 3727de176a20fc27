import Screen

/// One key binding: the keys, the command, and the words the help screen and README show.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: Command
    public var help: String
    public var section: String
    public var context: KeyContext = .global
}

/// The single table of key bindings: the app looks keys up here, and the help overlay and the README's
/// key table are generated from it.
public struct Keymap: Sendable {
    public var bindings: [KeyBinding]

    public static let standard = Keymap(bindings: [
        KeyBinding(keys: [.up, .char("k")], command: .lineUp, help: "previous row", section: "Move"),
        KeyBinding(keys: [.down, .char("j")], command: .lineDown, help: "next row", section: "Move"),
        KeyBinding(keys: [.pageUp, .char("b"), .ctrl("b")], command: .pageUp, help: "page up", section: "Move"),
        KeyBinding(keys: [.pageDown, .ctrl("f")], command: .pageDown, help: "page down", section: "Move"),
        KeyBinding(keys: [.char(" ")], command: .pageDown, help: "page down", section: "Move", context: .stream),
        KeyBinding(keys: [.ctrl("u")], command: .halfPageUp, help: "half a page up", section: "Move"),
        KeyBinding(keys: [.ctrl("d")], command: .halfPageDown, help: "half a page down", section: "Move"),
        KeyBinding(keys: [.home, .char("g")], command: .top, help: "first row", section: "Move"),
        KeyBinding(keys: [.end, .char("G")], command: .bottom, help: "last row", section: "Move"),
        KeyBinding(keys: [.left], command: .scrollLeft, help: "scroll details left", section: "Move", context: .stream),
        KeyBinding(keys: [.right], command: .scrollRight, help: "scroll details right", section: "Move",
                   context: .stream),
        KeyBinding(keys: [.char("t")], command: .jumpToTime, help: "jump to a timestamp", section: "Move",
                   context: .stream),
        KeyBinding(keys: [.char("/")], command: .search, help: "search text (smart case)", section: "Find"),
        KeyBinding(keys: [.char("n")], command: .searchNext, help: "next match", section: "Find"),
        KeyBinding(keys: [.char("N")], command: .searchPrevious, help: "previous match", section: "Find"),
        KeyBinding(keys: [.char("f")], command: .filter,
                   help: "filter: event == sched_switch && next_prio < 100", section: "Find", context: .stream),
        KeyBinding(keys: [.escape], command: .clearFilter, help: "clear filter / close panel / zoom out",
                   section: "Find"),
        KeyBinding(keys: [.char("m")], command: .setMarkerA, help: "set marker A here", section: "Markers",
                   context: .stream),
        KeyBinding(keys: [.char("M")], command: .setMarkerB, help: "set marker B here (shows B−A)", section: "Markers",
                   context: .stream),
        KeyBinding(keys: [.char("'")], command: .jumpToMarker, help: "jump between markers A and B",
                   section: "Markers", context: .stream),
        KeyBinding(keys: [.enter], command: .toggleDetail, help: "event details: fields, flags, stack",
                   section: "View", context: .stream),
        KeyBinding(keys: [.tab], command: .nextPane, help: "switch between the stream and the call tree",
                   section: "View"),
        KeyBinding(keys: [.char("?"), .function(1)], command: .help, help: "this help", section: "View"),
        KeyBinding(keys: [.ctrl("l")], command: .redraw, help: "redraw the screen", section: "View"),
        KeyBinding(keys: [.char("x")], command: .export,
                   help: "export the view (filter, A–B): Chrome JSON, CSV, flame graph SVG", section: "View"),
        KeyBinding(keys: [.char("q"), .ctrl("c")], command: .quit, help: "quit", section: "View"),
        KeyBinding(keys: [.enter, .char(" ")], command: .toggleNode, help: "fold or unfold the call",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.right], command: .expandNode, help: "unfold the call", section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.left], command: .collapseNode, help: "fold the call (on a leaf: go to its caller)",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("e")], command: .expandChildren, help: "unfold the direct children",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("c")], command: .collapseChildren, help: "fold the direct children",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("E")], command: .expandAll, help: "unfold everything below", section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("C")], command: .collapseAll, help: "fold everything below", section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("u")], command: .parentNode, help: "go to the caller", section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("[")], command: .previousSibling, help: "previous sibling", section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("]")], command: .nextSibling, help: "next sibling", section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("l")], command: .longestChild, help: "unfold the longest child, fold the others",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("z")], command: .zoom, help: "zoom into the call (Esc zooms out)",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("s")], command: .cycleSort, help: "sort children: time, total, self, calls",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("v")], command: .toggleGraphMode, help: "timeline ↔ merged call paths",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("F")], command: .chooseFields, help: "choose fields: total self calls avg min max",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("p")], command: .cycleScope, help: "roots of: all, one CPU, one task (cycles)",
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("1")], command: .showStream, help: "the event stream", section: "View"),
        KeyBinding(keys: [.char("2")], command: .showCallTree, help: "the call tree (function_graph traces)",
                   section: "View"),
        KeyBinding(keys: [.char("3")], command: .showHotspots, help: "hotspots: the perf report table",
                   section: "View"),
        KeyBinding(keys: [.char("4")], command: .showFlame, help: "flame graph of the stacks (or call paths)",
                   section: "View"),
        KeyBinding(keys: [.char(" ")], command: .togglePause,
                   help: "pause the view / follow the tail again (the capture goes on)", section: "Live", context: .live),
        KeyBinding(keys: [.char("w")], command: .save, help: "save what was captured as an ftrace log",
                   section: "Live", context: .live),
        KeyBinding(keys: [.char("e")], command: .pickEvents,
                   help: "pick the events to trace (type to search, space toggles)", section: "Live", context: .live),
        KeyBinding(keys: [.char("0")], command: .toggleDashboard,
                   help: "dashboard: the view and the system panes together (again: the view alone)", section: "View"),
        KeyBinding(keys: [.char("5")], command: .showSystemPanes,
                   help: "system panes: CPU, memory, disk, network at the cursor's time (again: back)",
                   section: "View"),
        KeyBinding(keys: [.char("v")], command: .togglePanesTable, help: "panes ↔ dstat-style table",
                   section: "System panes", context: .system),
        KeyBinding(keys: [.enter, .char("+")], command: .toggleNode, help: "unfold or fold the entry's callchain",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("e")], command: .expandChildren, help: "unfold the callchain", section: "Hotspots",
                   context: .hotspots),
        KeyBinding(keys: [.char("c")], command: .collapseChildren, help: "fold the callchain", section: "Hotspots",
                   context: .hotspots),
        KeyBinding(keys: [.char("E")], command: .expandAll, help: "unfold every callchain", section: "Hotspots",
                   context: .hotspots),
        KeyBinding(keys: [.char("C")], command: .collapseAll, help: "fold every callchain", section: "Hotspots",
                   context: .hotspots),
        KeyBinding(keys: [.char("r")], command: .toggleCallers, help: "callchains: callers ↔ callees",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("t")], command: .zoomThread, help: "zoom into the entry's thread",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("d")], command: .zoomDso, help: "zoom into the entry's shared object",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("S")], command: .zoomSymbol, help: "zoom into the entry's symbol",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.left], command: .zoomOut, help: "zoom out (Esc too)", section: "Hotspots",
                   context: .hotspots),
        KeyBinding(keys: [.char("s")], command: .cycleSort, help: "sort keys: comm,dso,symbol / symbol / dso … (cycles)",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("o")], command: .cycleOrder, help: "order by: children, self, samples, name",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("L")], command: .showInStream, help: "the entry's first line in the stream",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("T")], command: .showInTree, help: "the function's first call in the call tree",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.left], command: .previousSibling, help: "frame to the left", section: "Flame graph",
                   context: .flame),
        KeyBinding(keys: [.right], command: .nextSibling, help: "frame to the right", section: "Flame graph",
                   context: .flame),
        KeyBinding(keys: [.enter], command: .zoom, help: "zoom into the frame (Esc zooms out)",
                   section: "Flame graph", context: .flame),
    ])

    /// The focused view's binding for a key, else the global one.
    public func command(for key: Key, in context: KeyContext = .stream) -> Command? {
        bindings.first(where: { $0.context == context && $0.keys.contains(key) })?.command
            ?? bindings.first(where: { $0.context == .global && $0.keys.contains(key) })?.command
    }

    /// While live, the live bindings come first — except that other views keep their own keys (space folds a call).
    public func command(for key: Key, in context: KeyContext, live: Bool) -> Command? {
        if live, let c = bindings.first(where: { $0.context == .live && $0.keys.contains(key) })?.command,
           context == .stream || !bindings.contains(where: { $0.context == context && $0.keys.contains(key) }) {
            return c
        }
        return command(for: key, in: context)
    }

    /// `↑ k` — the keys of a binding as the help shows them.
    public static func label(_ binding: KeyBinding) -> String {
        binding.keys.map(\.label).joined(separator: " ")
    }

    /// The README's key table, in Markdown.
    public var markdownTable: String {
        var lines = ["| keys | where | action |", "|---|---|---|"]
        for b in bindings {
            let keys = b.keys.map { "`\($0.label)`" }.joined(separator: " ")
            let place = b.context.place
            lines.append("| \(keys) | \(place) | \(b.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
