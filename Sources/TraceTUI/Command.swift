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
    // The call tree's own commands.
    case toggleNode, expandNode, collapseNode, expandChildren, collapseChildren, expandAll, collapseAll
    case parentNode, previousSibling, nextSibling, longestChild, zoom, cycleSort, toggleGraphMode, cycleScope, chooseFields
    // Live capture.
    case togglePause, save, pickEvents
    // The system panes' own commands.
    case showSystemPanes, togglePanesTable
}

/// Where a binding applies: everywhere, or only while one kind of view has the focus.
public enum KeyContext: String, Sendable {
    case global, stream, tree
    /// Only while a live capture runs (checked before the focused view's bindings).
    case live
    /// The system panes (CPU, memory, disk, network at the cursor's time).
    case system
}
