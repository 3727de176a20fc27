import Screen
import TraceModel

/// The Enter panel as a view: the event at the stream's cursor taken apart (fields, flags, stack), closed,
/// under the list, or over the whole screen, where the moving keys scroll it. It sits in front of the stream:
/// what it does not take goes on to the stream.
public struct DetailView: TraceView, Equatable, Sendable {
    public enum State: Equatable, Sendable { case closed, panel, fullScreen }

    public static var keyContext: KeyContext { .stream }
    public private(set) var state = State.closed
    /// Full screen: the first line shown.
    private(set) var scroll = 0

    public init() {}

    public var isOpen: Bool { state != .closed }

    public mutating func close() {
        state = .closed
        scroll = 0
    }

    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        switch command {
        case .toggleDetail:
            state = state == .closed ? .panel : state == .panel ? .fullScreen : .closed
            scroll = 0
        case .clearFilter where isOpen:
            close()
        case .lineDown, .lineUp, .pageDown, .pageUp, .halfPageDown, .halfPageUp:
            // Under the list, the keys move the stream's cursor; over the whole screen, they scroll the panel.
            guard state == .fullScreen else { return .unhandled }
            let page = max(1, ctx.pageHeight - 2)
            let step = [Command.lineDown: 1, .lineUp: -1, .pageDown: page, .pageUp: -page,
                        .halfPageDown: page / 2, .halfPageUp: -page / 2][command] ?? 0
            scroll = max(0, scroll + step)
        default:
            return .unhandled
        }
        return .handled
    }

    /// The panel's lines for the event at the cursor (nil when closed or there is no event).
    public func lines(_ ctx: ViewContext) -> [(key: String, value: String)]? {
        guard isOpen, let row = ctx.cursorRow else { return nil }
        return DetailPanel.lines(for: row, store: ctx.store)
    }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        guard state == .fullScreen, let lines = lines(ctx) else { return }
        scroll = min(scroll, DetailPanel.maxScroll(lines, in: rect))
    }

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        guard let lines = lines(ctx) else { return }
        DetailPanel.render(lines, scroll: state == .fullScreen ? scroll : 0, fullScreen: state == .fullScreen,
                           into: &canvas, in: rect)
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine { StatusLine([(" event details", .statusAccent)]) }
}
