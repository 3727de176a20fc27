import Screen

/// One key binding: the keys, the command, and the words the help screen and README show — the command's own
/// (`Command.help`) unless the binding's context needs other words for it.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: Command
    public var help: String
    public var section: String
    public var context: KeyContext = .global

    public init(keys: [Key], command: Command, help: String? = nil, section: String, context: KeyContext = .global) {
        self.keys = keys
        self.command = command
        self.help = help ?? command.help
        self.section = section
        self.context = context
    }
}

/// The single table of key bindings: the app looks keys up here, and the help overlay and the README's
/// key table are generated from it.
public struct Keymap: Sendable {
    public var bindings: [KeyBinding]

    public static let standard = Keymap(bindings: [
        KeyBinding(keys: [.up, .char("k")], command: .lineUp, section: "Move"),
        KeyBinding(keys: [.down, .char("j")], command: .lineDown, section: "Move"),
        KeyBinding(keys: [.pageUp, .char("b"), .ctrl("b")], command: .pageUp, section: "Move"),
        KeyBinding(keys: [.pageDown, .ctrl("f")], command: .pageDown, section: "Move"),
        KeyBinding(keys: [.char(" ")], command: .pageDown, section: "Move", context: .stream),
        KeyBinding(keys: [.ctrl("u")], command: .halfPageUp, section: "Move"),
        KeyBinding(keys: [.ctrl("d")], command: .halfPageDown, section: "Move"),
        KeyBinding(keys: [.home, .char("g")], command: .top, section: "Move"),
        KeyBinding(keys: [.end, .char("G")], command: .bottom, section: "Move"),
        KeyBinding(keys: [.left], command: .scrollLeft, section: "Move", context: .stream),
        KeyBinding(keys: [.right], command: .scrollRight, section: "Move",
                   context: .stream),
        KeyBinding(keys: [.char("t")], command: .jumpToTime, section: "Move",
                   context: .stream),
        KeyBinding(keys: [.char("/")], command: .search, section: "Find"),
        KeyBinding(keys: [.char("n")], command: .searchNext, section: "Find"),
        KeyBinding(keys: [.char("N")], command: .searchPrevious, section: "Find"),
        KeyBinding(keys: [.char("f")], command: .filter, section: "Find", context: .stream),
        KeyBinding(keys: [.escape], command: .clearFilter,
                   section: "Find"),
        KeyBinding(keys: [.char("m")], command: .setMarkerA, section: "Markers",
                   context: .stream),
        KeyBinding(keys: [.char("M")], command: .setMarkerB, section: "Markers",
                   context: .stream),
        KeyBinding(keys: [.char("'")], command: .jumpToMarker,
                   section: "Markers", context: .stream),
        KeyBinding(keys: [.enter], command: .toggleDetail,
                   section: "View", context: .stream),
        KeyBinding(keys: [.tab], command: .nextPane,
                   section: "View"),
        KeyBinding(keys: [.char("?"), .function(1)], command: .help, section: "View"),
        KeyBinding(keys: [.ctrl("l")], command: .redraw, section: "View"),
        KeyBinding(keys: [.char("x")], command: .export, section: "View"),
        KeyBinding(keys: [.char("q"), .ctrl("c")], command: .quit, section: "View"),
        KeyBinding(keys: [.enter, .char(" ")], command: .toggleNode,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.right], command: .expandNode, section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.left], command: .collapseNode,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("e")], command: .expandChildren,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("c")], command: .collapseChildren,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("E")], command: .expandAll, section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("C")], command: .collapseAll, section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("u")], command: .parentNode, section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("[")], command: .previousSibling, section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("]")], command: .nextSibling, section: "Call tree",
                   context: .tree),
        KeyBinding(keys: [.char("l")], command: .longestChild,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("z")], command: .zoom,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("s")], command: .cycleSort,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("v")], command: .toggleGraphMode,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("F")], command: .chooseFields,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("p")], command: .cycleScope,
                   section: "Call tree", context: .tree),
        KeyBinding(keys: [.char("1")], command: .showStream, section: "View"),
        KeyBinding(keys: [.char("2")], command: .showCallTree,
                   section: "View"),
        KeyBinding(keys: [.char("3")], command: .showHotspots,
                   section: "View"),
        KeyBinding(keys: [.char("4")], command: .showFlame,
                   section: "View"),
        KeyBinding(keys: [.char(" ")], command: .togglePause, section: "Live", context: .live),
        KeyBinding(keys: [.char("w")], command: .save,
                   section: "Live", context: .live),
        KeyBinding(keys: [.char("e")], command: .pickEvents, section: "Live", context: .live),
        KeyBinding(keys: [.char("0")], command: .toggleDashboard, section: "View"),
        KeyBinding(keys: [.char("5")], command: .showSystemPanes,
                   section: "View"),
        KeyBinding(keys: [.char("6")], command: .showLatency, section: "View"),
        KeyBinding(keys: [.char("8")], command: .showBpf, section: "View"),
        KeyBinding(keys: [.left], command: .scrollLeft, help: "previous section", section: "Latency", context: .latency),
        KeyBinding(keys: [.right], command: .scrollRight, help: "next section", section: "Latency", context: .latency),
        KeyBinding(keys: [.enter, .char("+")], command: .toggleNode,
                   help: "the row's worst occurrences; on one: its events in the stream", section: "Latency",
                   context: .latency),
        KeyBinding(keys: [.escape], command: .zoomOut, help: "back from the occurrences", section: "Latency",
                   context: .latency),
        KeyBinding(keys: [.char("s")], command: .cycleSort, help: "sort by: maximum, total, count, name",
                   section: "Latency", context: .latency),
        KeyBinding(keys: [.char("t")], command: .zoomThread, help: "tasks grouped by comm ↔ one row per thread",
                   section: "Latency", context: .latency),
        KeyBinding(keys: [.char("v")], command: .togglePanesTable,
                   section: "System panes", context: .system),
        KeyBinding(keys: [.char("h")], command: .cycleScope, help: "the panes of the next host (--host)",
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
        KeyBinding(keys: [.char("r")], command: .toggleCallers,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("t")], command: .zoomThread,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("d")], command: .zoomDso,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("S")], command: .zoomSymbol,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.left], command: .zoomOut, section: "Hotspots",
                   context: .hotspots),
        KeyBinding(keys: [.char("s")], command: .cycleSort, help: "sort keys: comm,dso,symbol / symbol / dso … (cycles)",
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("o")], command: .cycleOrder,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("J")], command: .showInStream,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("T")], command: .showInTree,
                   section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("H")], command: .hottestEntry, section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("L"), .char("%")], command: .cyclePercentLimit, section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("P")], command: .printReport, section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("a")], command: .annotate, section: "Hotspots", context: .hotspots),
        KeyBinding(keys: [.char("7")], command: .showTimeline, section: "View"),
        KeyBinding(keys: [.left, .char("h")], command: .scrollLeft, help: "cursor one column earlier", section: "Timeline",
                   context: .timeline),
        KeyBinding(keys: [.right, .char("l")], command: .scrollRight, help: "cursor one column later", section: "Timeline",
                   context: .timeline),
        KeyBinding(keys: [.char("+"), .char("="), .char("i")], command: .zoom, help: "zoom in around the cursor",
                   section: "Timeline", context: .timeline),
        KeyBinding(keys: [.char("-"), .char("o")], command: .zoomOut, help: "zoom out around the cursor",
                   section: "Timeline", context: .timeline),
        KeyBinding(keys: [.char("[")], command: .previousSibling, help: "previous switch (or state change) on the lane",
                   section: "Timeline", context: .timeline),
        KeyBinding(keys: [.char("]")], command: .nextSibling, help: "next switch (or state change) on the lane",
                   section: "Timeline", context: .timeline),
        KeyBinding(keys: [.char("p")], command: .pinTask, section: "Timeline", context: .timeline),
        KeyBinding(keys: [.char("p")], command: .pinTask, help: "pin or unpin the row's task in the timeline (key 7)",
                   section: "Timeline", context: .stream),
        KeyBinding(keys: [.char("m")], command: .setMarkerA, help: "set marker A at the cursor", section: "Timeline",
                   context: .timeline),
        KeyBinding(keys: [.char("M")], command: .setMarkerB, help: "set marker B at the cursor", section: "Timeline",
                   context: .timeline),
        KeyBinding(keys: [.char("a")], command: .aggregateRange, section: "Timeline", context: .timeline),
        KeyBinding(keys: [.char("t")], command: .pickTasks, section: "Timeline", context: .timeline),
        KeyBinding(keys: [.enter], command: .showInStream, help: "the events at the cursor's time, in the stream",
                   section: "Timeline", context: .timeline),
        KeyBinding(keys: [.escape], command: .clearFilter, help: "zoom out to the whole trace", section: "Timeline",
                   context: .timeline),
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
