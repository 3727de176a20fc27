/// Everything a key can ask for: views and the app act on commands, never on raw keys.
public enum Command: String, Sendable, CaseIterable {
    case lineUp, lineDown, pageUp, pageDown, halfPageUp, halfPageDown, top, bottom
    case scrollLeft, scrollRight
    case search, searchNext, searchPrevious
    case filter, clearFilter
    case jumpToTime
    case setMarkerA, setMarkerB, jumpToMarker
    case toggleDetail
    case help
    case quit
    case redraw
}
