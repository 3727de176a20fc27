import Screen
import TraceModel

/// The hotspot view in the app: the table, or the annotate pane (`a`) over it while open.
extension HotspotView: TraceView {
    static var keyContext: KeyContext { .hotspots }

    mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        // The annotate pane, while open, takes the keys; Esc / ← close it.
        if annotate != nil {
            let outcome = annotate!.handle(command, pageHeight: ctx.pageHeight)
            if case .close = outcome {
                annotate = nil
                return .handled
            }
            return outcome
        }
        return handle(command, pageHeight: ctx.pageHeight)
    }

    mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        if annotate != nil { annotate!.layout(in: rect) } else { layout(in: rect) }
    }

    func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        if let annotate { annotate.render(into: &canvas, in: rect) } else { render(into: &canvas, in: rect) }
    }

    func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        StatusLine((annotate?.status() ?? status()) + StatusBar.captureParts(ctx.snapshot, paused: ctx.paused))
    }
}
