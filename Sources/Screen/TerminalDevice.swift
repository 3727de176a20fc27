/// What the run loop needs of a terminal: its size, a way to show a canvas, and a wait for input that
/// another thread can cut short. ncurses implements it in production (`Terminal.TerminalScreen`); tests use
/// a fake that hands out scripted keys and records the frames it was given.
@MainActor
public protocol TerminalDevice: AnyObject {
    /// Columns and rows now (already the new size once a `.resize` key was read).
    var width: Int { get }
    var height: Int { get }
    /// Shows `canvas`; only cells that differ from the last canvas shown need to reach the terminal.
    func present(_ canvas: Canvas)
    /// Forgets what is on the terminal, so that the next `present` repaints every cell (Ctrl-L, a resize).
    func invalidate()
    /// Blocks until input arrives, `wake` is called, or `timeout` passes (nil: no timeout); returns the keys
    /// read, possibly none.
    func waitForKeys(timeout: Duration?) -> [Key]
    /// Something that can be called from any thread to end a `waitForKeys` early.
    nonisolated var waker: Waker { get }
}

/// Ends a terminal's wait from another thread (a capture publishing, a job finishing, a signal).
public struct Waker: Sendable {
    private let wake: @Sendable () -> Void

    public init(_ wake: @escaping @Sendable () -> Void) { self.wake = wake }

    public func callAsFunction() { wake() }
}
