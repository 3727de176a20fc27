import Screen
import TraceModel

/// An icicle graph of the stacks: the root on top, callees below, each frame as wide as its share of
/// the samples (or time) of the zoomed frame; coloured by shared object. ←/→ move between neighbours,
/// ↑/↓ to the caller and the widest callee, Enter zooms into the selected frame, Esc zooms out.
struct FlameView {
    let tree: StackTree
    private(set) var zoomRoot = 0
    private(set) var selected = 0
    private(set) var search: String?
    /// The frames as the last layout placed them, row by row, left to right: where ←/→ look for neighbours.
    private(set) var layout: [[(node: Int, x: Int, width: Int)]] = []

    init(tree: StackTree) {
        self.tree = tree
        selected = tree.childrenByValue(0).first.map(Int.init) ?? 0
    }

    var isEmpty: Bool { tree.count <= 1 }

    mutating func handle(_ command: Command) -> ViewOutcome {
        switch command {
        case .lineUp, .parentNode:
            if selected != zoomRoot, tree.parent[selected] >= 0 { selected = Int(tree.parent[selected]) }
        case .lineDown:
            if let c = tree.childrenByValue(selected).first { selected = Int(c) }
        case .previousSibling, .nextSibling:
            let d = tree.depth(selected) - tree.depth(zoomRoot)
            guard layout.indices.contains(d), let i = layout[d].firstIndex(where: { $0.node == selected }) else {
                return .handled
            }
            let j = command == .previousSibling ? i - 1 : i + 1
            if layout[d].indices.contains(j) { selected = layout[d][j].node }
        case .toggleNode, .zoom:
            zoomRoot = selected
        case .clearFilter, .zoomOut:
            guard zoomRoot != 0 else { return search == nil ? .message("not zoomed") : clearSearch() }
            zoomRoot = Int(tree.parent[zoomRoot])
        case .top:
            selected = zoomRoot
        default:
            return .unhandled
        }
        return .handled
    }

    private mutating func clearSearch() -> ViewOutcome {
        search = nil
        return .handled
    }

    mutating func setSearch(_ text: String) -> ViewOutcome {
        search = text.isEmpty ? nil : text
        guard let text = search else { return .handled }
        let matches = (1..<tree.count).filter { tree.label($0).contains(text) }
        let share = matches.filter { n in
            // Only the outermost matching frames count, so recursion is not counted twice.
            var p = Int(tree.parent[n])
            while p > 0 {
                if tree.label(p).contains(text) { return false }
                p = Int(tree.parent[p])
            }
            return true
        }.reduce(Int64(0)) { $0 + tree.value[$1] }
        let pct = tree.value[0] > 0 ? Double(share) * 100 / Double(tree.value[0]) : 0
        return .message("\(matches.count) frames match, \(HotspotTable.percentLabel(pct)) of all")
    }

    /// The role a frame is drawn in: kernel code, then a few colours picked by shared object.
    private func role(_ node: Int) -> Role {
        guard let dso = tree.dsoLabel(node) else { return node == 0 ? .header : .eventOther }
        if HotspotTable.isKernel(dso) { return .eventSched }
        let palette: [Role] = [.eventFunction, .eventSyscall, .eventTimer, .eventMemory, .eventBlock, .eventGraph]
        var h: UInt32 = 2166136261
        for b in dso.utf8 { h = (h ^ UInt32(b)) &* 16777619 }
        return palette[Int(h % UInt32(palette.count))]
    }

    /// Places the frames in `rect` (below its header line), row by row: what ←/→ move between and what
    /// `render` draws. Children share their parent's width by value; one narrower than a cell is left out.
    mutating func layout(in rect: Rect) {
        layout = []
        let body = rect.splitTop(1).rest
        guard rect.width > 0, tree.value[zoomRoot] > 0 else { return }
        var level: [(node: Int, x: Int, width: Int)] = [(zoomRoot, body.x, body.width)]
        while !level.isEmpty, layout.count < body.height {
            layout.append(level)
            var next: [(node: Int, x: Int, width: Int)] = []
            for (n, x, w) in level {
                var cx = Double(x)
                let scale = Double(w) / Double(max(1, tree.value[n]))
                for c in tree.childrenByValue(n) {
                    let cw = Double(tree.value[Int(c)]) * scale
                    let start = Int(cx.rounded()), end = Int((cx + cw).rounded())
                    if end - start >= 1 { next.append((Int(c), start, end - start)) }
                    cx += cw
                }
            }
            level = next
        }
    }

    func render(into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0, rect.width > 0 else { return }
        canvas.fill(rect, role: .normal)
        let (header, body) = rect.splitTop(1)
        let pct = tree.value[0] > 0 ? Double(tree.value[selected]) * 100 / Double(tree.value[0]) : 0
        canvas.fill(header, role: .header)
        let info = " \(tree.label(selected))  \(HotspotTable.percentLabel(pct))  \(tree.value[selected])"
            + (tree.dsoLabel(selected).map { "  \($0)" } ?? "")
        canvas.put(info, x: header.x, y: header.y, role: .header, limit: header.maxX)
        guard tree.value[zoomRoot] > 0 else {
            canvas.put("no stacks in this trace", x: body.x + 1, y: body.y, role: .dim, limit: body.maxX)
            return
        }
        for (depth, level) in layout.enumerated() where depth < body.height {
            let y = body.y + depth
            for (n, x, w) in level {
                let isMatch = search.map { n > 0 && tree.label(n).contains($0) } ?? false
                let r: Role = n == selected ? .selected : isMatch ? .searchMatch : role(n)
                canvas.fill(Rect(x: x, y: y, width: w, height: 1), role: r)
                let label = tree.label(n)
                if w >= 3 {
                    canvas.put(String(label.prefix(w - 1)), x: x, y: y, role: r, limit: x + w - 1)
                }
                if w >= 2 { canvas.put("▏", x: x + w - 1, y: y, role: r, limit: x + w) }
            }
        }
    }

    func status() -> [(String, Role)] {
        var parts: [(String, Role)] = [(" flame graph", .statusAccent)]
        if zoomRoot != 0 { parts.append((" zoom: \(tree.label(zoomRoot))", .statusAccent)) }
        if let search { parts.append((" /\(search)", .status)) }
        return parts
    }
}

extension FlameView: TraceView {
    static var keyContext: KeyContext { .flame }

    mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome { handle(command) }

    mutating func layout(in rect: Rect, _ ctx: ViewContext) { layout(in: rect) }

    func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) { render(into: &canvas, in: rect) }

    func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        StatusLine(status() + StatusBar.captureParts(ctx.snapshot, paused: ctx.paused))
    }
}
