import Screen
import TraceModel

/// Drawing: `layout` fits the state to the screen (scroll offsets, the page height keys move by), then
/// `render` draws without changing anything. The run loop calls `draw`, which does both.
extension TraceApp {
    /// Where everything goes on a screen of `bounds`.
    struct ScreenLayout {
        var main: Rect
        var status: Rect
        /// The system panes beside or below the view (the dashboard, `0`).
        var panes: Rect?
        /// The stream's list, smaller than `main` when the detail panel is open.
        var list: Rect
        var detail: Rect?
        /// The detail panel's lines, taken apart once per layout.
        var detailLines: [(key: String, value: String)]?
        /// The hotspot table under the stream on the dashboard (`TraceApp+DashboardHotspots`).
        var hotspots: Rect?
    }

    func screenLayout(_ bounds: Rect) -> ScreenLayout {
        let (screenRect, statusRect) = bounds.splitBottom(1)
        var main = screenRect
        var panesRect: Rect?
        if dashboard, focus != .system, screenRect.height >= 12 {
            if screenRect.width >= 160 {
                let split = screenRect.splitRight(min(90, screenRect.width * 2 / 5))
                (main, panesRect) = (split.rest, split.right)
            } else {
                let split = screenRect.splitBottom(min(16, screenRect.height / 2))
                (main, panesRect) = (split.rest, split.bottom)
            }
        }
        let (streamArea, hotspotsRect) = dashboardSplit(main)
        var listRect = streamArea
        var detailRect: Rect?
        let detailLines = focus == .stream ? detail.lines(viewContext) : nil
        if detail.state == .fullScreen, detailLines != nil {
            listRect = Rect(x: streamArea.x, y: streamArea.y, width: streamArea.width, height: 0)
            detailRect = streamArea
        } else if detail.state == .panel, streamArea.height >= 8, let lines = detailLines {
            // As tall as the event needs, leaving at least a third of the screen to the list.
            let wanted = lines.count + 2
            let split = streamArea.splitBottom(min(max(streamArea.height / 2, wanted), streamArea.height * 2 / 3))
            listRect = split.rest
            detailRect = split.bottom
        }
        return ScreenLayout(main: main, status: statusRect, panes: panesRect, list: listRect, detail: detailRect,
                            detailLines: detailLines, hotspots: hotspotsRect)
    }

    /// Lays out for a screen of `width` × `height` and draws it.
    public mutating func draw(width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        layout(canvas.bounds)
        render(into: &canvas)
        return canvas
    }

    /// Fits the state to the screen: the page height keys move by, each view's scroll offset, the overlays'
    /// scroll limits.
    public mutating func layout(_ bounds: Rect) {
        guard bounds.width > 0, bounds.height > 0 else { return }
        let l = screenLayout(bounds)
        pageHeight = max(1, l.list.height - 1)
        let ctx = viewContext
        stream.layout(in: l.list, ctx)
        switch focus {
        case .tree: tree?.layout(in: l.main, ctx)
        case .hotspots: hotspots?.layout(in: l.main, ctx)
        case .flame: flame?.layout(in: l.main, ctx)
        case .timeline: timeline?.layout(in: l.main, ctx)
        case .system: panes.layout(in: l.main, ctx)
        case .latency: latency?.layout(in: l.main, ctx)
        case .stream, .global, .live: break
        }
        if let rect = l.detail { detail.layout(in: rect, ctx) }
        if let rect = l.hotspots { hotspots?.layout(in: rect, ctx) }
        switch mode {
        case .picker(var view):
            view.layout(in: l.main, ctx)
            mode = .picker(view)
        case .help(var view):
            view.layout(in: l.main, ctx)
            mode = .help(view)
        case .panel(var view):
            view.layout(in: l.main, ctx)
            mode = .panel(view)
        case .exportMenu, .prompt, .browsing:
            break
        }
    }

    /// Draws the state as the last `layout` fitted it; changes nothing.
    public func render(into canvas: inout Canvas) {
        let bounds = canvas.bounds
        guard bounds.width > 0, bounds.height > 0 else { return }
        canvas.fill(bounds, role: .normal)
        let l = screenLayout(bounds)
        let ctx = viewContext
        if focus == .system || l.panes != nil { panes.render(into: &canvas, in: l.panes ?? l.main, ctx) }
        switch focus {
        case .system: break
        case .tree where tree != nil: tree?.render(into: &canvas, in: l.main, ctx)
        case .hotspots where hotspots != nil: hotspots?.render(into: &canvas, in: l.main, ctx)
        case .flame where flame != nil: flame?.render(into: &canvas, in: l.main, ctx)
        case .latency where latency != nil: latency?.render(into: &canvas, in: l.main, ctx)
        case .timeline where timeline != nil: timeline?.render(into: &canvas, in: l.main, ctx)
        case .hotspots, .flame, .timeline: renderBuilding(into: &canvas, in: l.main)
        default: stream.render(into: &canvas, in: l.list, ctx)
        }
        if let rect = l.hotspots { hotspots?.render(into: &canvas, in: rect, ctx) }
        if let rect = l.detail { detail.render(into: &canvas, in: rect, ctx) }
        renderStatus(into: &canvas, in: l.status, ctx)
        switch mode {
        case .exportMenu(let view): view.render(into: &canvas, in: l.main, ctx)
        case .picker(let view): view.render(into: &canvas, in: l.main, ctx)
        case .help(let view): view.render(into: &canvas, in: l.main, ctx)
        case .panel(let view): view.render(into: &canvas, in: l.main, ctx)
        case .prompt, .browsing: break
        }
    }

    /// The prompt while one is open, else the focused view's status and the message.
    private func renderStatus(into canvas: inout Canvas, in statusRect: Rect, _ ctx: ViewContext) {
        if case .prompt(let kind, let editor) = mode {
            canvas.fill(statusRect, role: .prompt)
            canvas.put(kind.rawValue + editor.text, x: 0, y: statusRect.y, role: .prompt)
            canvas.cursor = (min(canvas.width - 1, kind.rawValue.count + editor.cursor), statusRect.y)
            return
        }
        StatusBar.draw(statusLine(ctx, width: statusRect.width), message: message, into: &canvas, in: statusRect)
    }

    /// The focused view's status line. The system panes follow the stream's cursor, so the stream's line stays
    /// under them; a pane still being built says so.
    private func statusLine(_ ctx: ViewContext, width: Int) -> StatusLine {
        switch focus {
        case .tree: if let tree { return tree.status(ctx, width: width) }
        case .hotspots: if let hotspots { return hotspots.status(ctx, width: width) }
        case .flame: if let flame { return flame.status(ctx, width: width) }
        case .latency: if let latency { return latency.status(ctx, width: width) }
        case .timeline: if let timeline { return timeline.status(ctx, width: width) }
        case .stream, .system, .global, .live: break
        }
        if focus == .hotspots || focus == .flame {
            return StatusLine([(focus == .hotspots ? " hotspots" : " flame graph", .statusAccent), (" building…", .statusAccent)])
        }
        return stream.status(ctx, width: width)
    }
}
