/// Everything a key can ask for: views and the app act on commands, never on raw keys.
public enum Command: String, Sendable, CaseIterable {
    case lineUp, lineDown, pageUp, pageDown, halfPageUp, halfPageDown, top, bottom
    case scrollLeft, scrollRight
    case search, searchNext, searchPrevious
    case filter, clearFilter
    case jumpToTime
    case setMarkerA, setMarkerB, jumpToMarker
    case toggleDetail
    case nextPane
    case help
    case quit
    case redraw
    case export
    // The call tree's own commands.
    case toggleNode, expandNode, collapseNode, expandChildren, collapseChildren, expandAll, collapseAll
    case parentNode, previousSibling, nextSibling, longestChild, zoom, cycleSort, toggleGraphMode, cycleScope, chooseFields
    // Live capture.
    case togglePause, save, pickEvents
    // The system panes' own commands.
    case showSystemPanes, togglePanesTable, toggleDashboard
    // The hotspot table's and the flame graph's.
    case showStream, showCallTree, showHotspots, showFlame, zoomThread, zoomDso, zoomSymbol, zoomOut, cycleOrder, toggleCallers
    case showInStream, showInTree
    case hottestEntry, cyclePercentLimit, printReport
    case annotate
    // The latency view's.
    case showLatency
    // The timeline's.
    case showTimeline, pinTask, aggregateRange, pickTasks
    // The BPF pane.
    case showBpf
}

/// Where a binding applies: everywhere, or only while one kind of view has the focus.
public enum KeyContext: String, Sendable {
    case global, stream, tree, hotspots, flame
    /// Only while a live capture runs (checked before the focused view's bindings).
    case live
    /// The system panes (CPU, memory, disk, network at the cursor's time).
    case system
    /// The latency view (scheduling delay, syscalls, irq, block I/O).
    case latency
    /// The timeline (per-CPU and per-task lanes).
    case timeline

    /// The README's and help's name for where a binding applies.
    public var place: String {
        switch self {
        case .global: return "everywhere"
        case .stream: return "stream"
        case .tree: return "call tree"
        case .hotspots: return "hotspots"
        case .flame: return "flame graph"
        case .system: return "system panes"
        case .live: return "live"
        case .latency: return "latency"
        case .timeline: return "timeline"
        }
    }
}
