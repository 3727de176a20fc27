import Screen
import TraceModel

/// Every view is one of these — the full-screen ones (the stream, the call tree, the hotspot table, the flame
/// graph, the system panes) and the overlays that take the keys while open (the help, the export menu, the
/// event picker): it handles the commands it knows and leaves the rest to bubble up to the app, fits its scroll
/// state to the space it gets, draws without changing anything, and says what its status line shows.
/// Adding a view is one type conforming to this, a `KeyContext` and its keymap entries.
public protocol TraceView {
    /// Whose bindings apply while the view has the focus (besides the global ones).
    static var keyContext: KeyContext { get }
    /// A key before the keymap turns it into a command: for views that take text or letters of their own.
    /// `.unhandled` (the default) lets the keymap's command through to `handle`.
    mutating func handleKey(_ key: Key, _ ctx: ViewContext) -> ViewOutcome
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
    /// The bindings (the help lists them; overlays move by them).
    public var keymap: Keymap
    /// Whose bindings the keys follow now.
    public var focus: KeyContext
    /// The store row at the stream's cursor: the one time cursor the other views follow.
    public var cursorRow: Int?

    public var store: EventStore { snapshot.store }
}

extension TraceView {
    public mutating func handleKey(_ key: Key, _ ctx: ViewContext) -> ViewOutcome { .unhandled }
}

/// What handling a command did.
public enum ViewOutcome: Sendable {
    case handled
    /// Not the view's: the app takes it.
    case unhandled
    /// Done, with a line for the status bar.
    case message(String)
    /// An overlay is done: the app closes it (and takes what it chose).
    case close
    /// Done, and the world is asked for something (the picker turning an event on).
    case emit(Effect)
    /// Done: the app shows these store rows in the stream (the events behind a number).
    case showRows(ClosedRange<Int>)

    public var isUnhandled: Bool {
        if case .unhandled = self { return true }
        return false
    }
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
