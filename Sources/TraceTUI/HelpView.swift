import Screen

/// The `?` overlay as a view: the bindings of the context it was opened in, scrolled by the moving keys; any
/// other key closes it.
public struct HelpView: TraceView, Equatable, Sendable {
    public static var keyContext: KeyContext { .global }
    /// Where the help was asked for: its bindings are listed.
    let context: KeyContext
    let live: Bool
    private(set) var scroll = 0

    init(context: KeyContext, live: Bool) {
        self.context = context
        self.live = live
    }

    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        let page = max(1, ctx.pageHeight - 2)
        switch command {
        case .lineDown: scroll += 1
        case .lineUp: scroll = max(0, scroll - 1)
        case .pageDown, .halfPageDown: scroll += page
        case .pageUp, .halfPageUp: scroll = max(0, scroll - page)
        default: return .close
        }
        return .handled
    }

    /// A key without a command closes it too.
    public mutating func handleKey(_ key: Key, _ ctx: ViewContext) -> ViewOutcome {
        ctx.keymap.command(for: key, in: ctx.focus) == nil ? .close : .unhandled
    }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        scroll = min(scroll, HelpOverlay.maxScroll(keymap: ctx.keymap, context: context, live: live, in: rect))
    }

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        HelpOverlay.render(keymap: ctx.keymap, context: context, live: live, scroll: scroll, into: &canvas, in: rect)
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine { StatusLine([(" keys", .statusAccent)]) }
}
