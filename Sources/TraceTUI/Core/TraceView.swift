import Screen
import TraceModel

/// Every full-screen view (the stream, the call tree, the hotspot table, the flame graph, the system panes)
/// is one of these: it handles the commands it knows and leaves the rest to bubble up to the app, fits its
/// scroll state to the space it gets, draws without changing anything, and says what its status line shows.
/// Adding a view is one type conforming to this, a `KeyContext` and its keymap entries.
public protocol TraceView {
    /// Whose bindings apply while the view has the focus (besides the global ones).
    static var keyContext: KeyContext { get }
    /// What a command does here; `.unhandled` hands it to the app.
    mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome
    /// Fits the view's own state (scroll offsets, placed frames) to `rect`, before `render`.
    mutating func layout(in rect: Rect, _ ctx: ViewContext)
    func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext)
    /// The status line's parts while the view has the focus, for a line `width` columns wide.
    func status(_ ctx: ViewContext, width: Int) -> StatusLine
}

/// What a view is given besides its own state: the data, and what the app decided about the screen.
public struct ViewContext: Sendable {
    public var snapshot: TraceSnapshot
    /// Rows a page moves.
    public var pageHeight: Int
    public var isLive: Bool
    /// Live: the view stays where it is while the capture goes on.
    public var paused: Bool
    /// The session's /proc samples, and the one at the stream cursor's time (with a note when there is none).
    public var system: ProcHistory?
    public var systemSample: (index: Int?, note: String?)

    public var store: EventStore { snapshot.store }
}

/// What handling a command did.
public enum ViewOutcome: Equatable, Sendable {
    case handled
    /// Not the view's: the app takes it.
    case unhandled
    /// Done, with a line for the status bar.
    case message(String)
}

/// The bottom line of a view: its parts left to right, and what shows on the right when there is no message.
public struct StatusLine: Sendable {
    public var parts: [(String, Role)]
    public var idle: String

    public init(_ parts: [(String, Role)], idle: String = " Tab stream  ? help ") {
        self.parts = parts
        self.idle = idle
    }
}
