/// A cursor over a list of `count` rows and the first row on screen: moving by a line, half a page or a page,
/// jumping to either end, and keeping the cursor on screen. The stream, the call tree, the hotspot table and the
/// event picker all scroll with it.
public struct ScrollList: Sendable, Equatable {
    public var cursor = 0
    public var top = 0

    public init() {}

    /// Moves for `command` over `count` rows, a page being `pageHeight - 1` rows (one row of context stays).
    /// With `pageScrollsView`, a page key moves the view by a page too, as `less` does, so the cursor keeps its
    /// place on screen. Returns false for a command that does not move.
    public mutating func move(_ command: Command, count: Int, pageHeight: Int, pageScrollsView: Bool = false) -> Bool {
        let page = max(1, pageHeight - 1)
        switch command {
        case .lineUp: cursor -= 1
        case .lineDown: cursor += 1
        case .pageUp:
            cursor -= page
            if pageScrollsView { top = max(0, top - page) }
        case .pageDown:
            cursor += page
            if pageScrollsView { top = min(max(0, count - pageHeight), top + page) }
        case .halfPageUp: cursor -= page / 2
        case .halfPageDown: cursor += page / 2
        case .top: cursor = 0
        case .bottom: cursor = count - 1
        default: return false
        }
        clamp(count: count)
        return true
    }

    /// Keeps the cursor within `0..<count` (0 for an empty list).
    public mutating func clamp(count: Int) {
        cursor = max(0, min(cursor, count - 1))
    }

    /// Scrolls so that the cursor is among the `height` rows shown.
    public mutating func reveal(height: Int) {
        guard height > 0 else { return }
        if cursor < top { top = cursor }
        if cursor >= top + height { top = cursor - height + 1 }
        top = max(0, top)
    }
}
