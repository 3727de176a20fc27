import Screen
import TraceModel

/// The function_graph call tree: fold and unfold calls, zoom, sort, search — uftrace tui's keys.
/// Fold state is keyed by node id, so it survives redraws; the timeline and merged modes keep their own.
struct CallTreeView {
    enum SortKey: String, CaseIterable { case time, total, selfTime = "self", calls }

    /// The numeric columns `F` can show or hide.
    enum Field: String, CaseIterable {
        case total, selfTime = "self", calls, average = "avg", minimum = "min", maximum = "max"

        var title: String { rawValue.uppercased() }
        var width: Int { self == .calls ? 8 : 11 }
    }

    private(set) var fields: [Field] = [.total, .selfTime, .calls]
    /// The `F` chooser's cursor while it is open.
    private(set) var fieldChooser: Int?

    private(set) var model: CallTreeModel
    private var expanded: [CallTreeModel.Mode: Set<Int>] = [:]
    private(set) var rows: [(node: Int, depth: Int)] = []
    /// The cursor and the first row shown.
    var list = ScrollList()
    private(set) var cursor: Int {
        get { list.cursor }
        set { list.cursor = newValue }
    }
    private(set) var zoomRoot: Int?
    private(set) var sortKey = SortKey.time
    private(set) var search: String?

    /// The store rows the tree was built from (an A–B range), or nil for all.
    let rowRange: Range<Int>?
    /// The hosts whose calls it holds (a `host == NAME` filter), or nil for every host.
    let hostScope: Set<UInt16>?

    /// The whole trace's tree (built by the capture actor), or a tree of only the rows in an A–B range, or of
    /// only some hosts' calls.
    init(store: EventStore, prebuilt: CallTree?, rows: Range<Int>? = nil, hosts: Set<UInt16>? = nil) {
        self.init(calls: rows == nil && hosts == nil ? (prebuilt ?? CallTree(store: store))
                      : CallTree(store: store, rows: rows, hosts: hosts),
                  rows: rows, hosts: hosts)
    }

    /// The tree of `calls`, built elsewhere from the store's `rows` (nil: all of them) and `hosts` (nil: all).
    init(calls: CallTree, rows: Range<Int>?, hosts: Set<UInt16>? = nil) {
        rowRange = rows
        hostScope = hosts
        model = CallTreeModel(calls: calls)
        // Open the first root so the screen is not a bare list of names.
        if let first = model.roots.first { expanded[.timeline, default: []].insert(first) }
        rebuildRows()
    }

    /// Live: the tree again with the calls that arrived since, keeping what is unfolded, the selection, the
    /// zoom, the scope and the mode. Calls are found again by the row they began on and their name (node
    /// numbers move as lanes grow); merged paths by their chain of names.
    mutating func refresh(with calls: CallTree) {
        let old = model
        var fresh = CallTreeModel(calls: calls)
        if old.scope != .all { fresh.setScope(old.scope) }
        fresh.setMode(old.mode)
        func moved(_ n: Int, in mode: CallTreeModel.Mode) -> Int? {
            if mode == .timeline {
                guard n < old.calls.count else { return nil }
                return fresh.calls.node(firstRow: old.calls.firstRow[n], named: old.calls.name(n))
            }
            return fresh.mergedNode(path: old.mergedPath(n))
        }
        let selected = selectedNode.flatMap { moved($0, in: old.mode) }
        var kept: [CallTreeModel.Mode: Set<Int>] = [:]
        for (mode, nodes) in expanded where mode == .timeline || mode == old.mode {
            kept[mode] = Set(nodes.compactMap { moved($0, in: mode) })
        }
        // A tree that was empty opens its first root, as a new one does.
        if old.calls.count == 0, let first = fresh.roots.first { kept[.timeline, default: []].insert(first) }
        let zoom = zoomRoot.flatMap { moved($0, in: old.mode) }
        model = fresh
        expanded = kept
        zoomRoot = zoom
        rows = []
        rebuildRows()
        if let selected, let i = rows.firstIndex(where: { $0.node == selected }) { cursor = i }
    }

    var isEmpty: Bool { model.calls.count == 0 }
    var selectedNode: Int? { rows.indices.contains(cursor) ? rows[cursor].node : nil }

    var open: Set<Int> {
        get { expanded[model.mode] ?? [] }
        set { expanded[model.mode] = newValue }
    }

    private func sortedChildren(_ n: Int) -> [Int] { sorted(model.children(of: n)) }

    /// Nodes in the order the sort key asks for (time order is the order they come in).
    private func sorted(_ nodes: [Int]) -> [Int] {
        switch sortKey {
        case .time: return nodes
        case .total: return nodes.sorted { model.total($0) > model.total($1) }
        case .selfTime: return nodes.sorted { model.selfTime($0) > model.selfTime($1) }
        case .calls: return nodes.sorted { model.calls($0) > model.calls($1) }
        }
    }

    /// Flattens what is unfolded into rows; only unfolded subtrees are walked.
    private mutating func rebuildRows() {
        let keep = selectedNode
        var out: [(Int, Int)] = []
        let starts = zoomRoot.map { [$0] } ?? sorted(model.roots)
        var stack: [(Int, Int)] = starts.reversed().map { ($0, 0) }
        let unfolded = open
        while let (n, d) = stack.popLast() {
            out.append((n, d))
            if unfolded.contains(n) {
                for c in sortedChildren(n).reversed() { stack.append((c, d + 1)) }
            }
        }
        rows = out
        if let keep, let i = rows.firstIndex(where: { $0.node == keep }) { cursor = i }
        cursor = max(0, min(cursor, rows.count - 1))
    }

    // MARK: - commands

    mutating func handle(_ command: Command, pageHeight: Int) -> ViewOutcome {
        if let choice = fieldChooser { return handleChooser(command, choice) }
        if command == .chooseFields {
            fieldChooser = 0
            return .handled
        }
        guard !rows.isEmpty else { return command == .toggleGraphMode ? .handled : .unhandled }
        if list.move(command, count: rows.count, pageHeight: pageHeight) { return .handled }
        let node = rows[cursor].node
        switch command {
        case .toggleNode:
            if open.contains(node) { open.remove(node) } else if model.hasChildren(node) { open.insert(node) }
            rebuildRows()
        case .expandNode:
            if model.hasChildren(node) {
                if open.contains(node) { cursor = min(rows.count - 1, cursor + 1) } else { open.insert(node) }
                rebuildRows()
            }
        case .collapseNode:
            if open.contains(node) {
                open.remove(node)
                rebuildRows()
            } else {
                goToParent(of: node)
            }
        case .expandChildren:
            open.insert(node)
            for c in model.children(of: node) where model.hasChildren(c) { open.insert(c) }
            rebuildRows()
        case .collapseChildren:
            for c in model.children(of: node) { open.remove(c) }
            rebuildRows()
        case .expandAll:
            var stack = [node]
            var set = open
            while let n = stack.popLast() {
                if set.count < 2_000_000, model.hasChildren(n) {
                    set.insert(n)
                    stack += model.children(of: n)
                }
            }
            open = set
            rebuildRows()
        case .collapseAll:
            var stack = [node]
            var set = open
            while let n = stack.popLast() {
                if set.remove(n) != nil { stack += model.children(of: n) }
            }
            open = set
            rebuildRows()
        case .parentNode: goToParent(of: node)
        case .previousSibling, .nextSibling:
            let depth = rows[cursor].depth
            var i = cursor
            let step = command == .nextSibling ? 1 : -1
            while true {
                i += step
                guard rows.indices.contains(i), rows[i].depth >= depth else { return .message("no more siblings") }
                if rows[i].depth == depth {
                    cursor = i
                    break
                }
            }
        case .longestChild:
            let kids = model.children(of: node)
            guard let longest = kids.max(by: { model.total($0) < model.total($1) }) else { return .handled }
            for c in kids { open.remove(c) }
            open.insert(node)
            if model.hasChildren(longest) { open.insert(longest) }
            rebuildRows()
            if let i = rows.firstIndex(where: { $0.node == longest }) { cursor = i }
        case .zoom:
            zoomRoot = node
            open.insert(node)
            rebuildRows()
            cursor = 0
        case .clearFilter:
            guard zoomRoot != nil else { return .unhandled }
            zoomRoot = nil
            rebuildRows()
        case .cycleSort:
            let all = SortKey.allCases
            sortKey = all[(all.firstIndex(of: sortKey)! + 1) % all.count]
            rebuildRows()
            return .message("sorted by \(sortKey.rawValue)")
        case .toggleGraphMode:
            model.setMode(model.mode == .timeline ? .merged : .timeline)
            zoomRoot = nil
            if open.isEmpty, let first = model.roots.first { open.insert(first) }
            rebuildRows()
            return .message(model.mode == .timeline ? "timeline: every call" : "merged call paths")
        case .cycleScope:
            let all = model.scopes
            let next = all[((all.firstIndex(of: model.scope) ?? 0) + 1) % all.count]
            model.setScope(next)
            zoomRoot = nil
            if let first = model.roots.first { open.insert(first) }
            rebuildRows()
            cursor = 0
            return .message("roots: \(model.scopeLabel)")
        case .searchNext, .searchPrevious:
            guard let pattern = search else { return .message("no search: press / first") }
            return find(pattern, forward: command == .searchNext, from: node)
        default:
            return .unhandled
        }
        return .handled
    }

    /// Keys while the chooser is open: move, toggle a field, close.
    private mutating func handleChooser(_ command: Command, _ choice: Int) -> ViewOutcome {
        let all = Field.allCases
        switch command {
        case .lineUp: fieldChooser = max(0, choice - 1)
        case .lineDown: fieldChooser = min(all.count - 1, choice + 1)
        case .toggleNode, .expandNode, .collapseNode:
            let f = all[choice]
            if let i = fields.firstIndex(of: f) { fields.remove(at: i) } else { fields.append(f) }
            fields = all.filter(fields.contains)
        case .chooseFields, .clearFilter, .quit: fieldChooser = nil
        default: break
        }
        return .handled
    }

    private mutating func goToParent(of node: Int) {
        let p = model.parent(node)
        guard p >= 0, let i = rows.firstIndex(where: { $0.node == p }) else { return }
        cursor = i
    }

    /// Finds the next call whose name holds `pattern` in walk order, unfolding its callers.
    mutating func find(_ pattern: String, forward: Bool = true, from start: Int? = nil) -> ViewOutcome {
        search = pattern
        let needle = TextSearch(pattern)
        // Walk order of every node (not only the unfolded ones).
        var order: [Int] = []
        var stack = (zoomRoot.map { [$0] } ?? sorted(model.roots)).reversed().map { $0 }
        while let n = stack.popLast() {
            guard order.count < 5_000_000 else { break }
            order.append(n)
            stack += sortedChildren(n).reversed()
        }
        guard !order.isEmpty else { return .message("pattern not found: \(pattern)") }
        let here = start.flatMap { s in order.firstIndex(of: s) } ?? (forward ? -1 : order.count)
        let indices = forward ? Array((here + 1)..<order.count) : Array((0..<max(0, here)).reversed())
        for i in indices {
            let n = order[i]
            var name = model.name(n)
            let hit = name.withUTF8 { needle.matches(UnsafeRawBufferPointer($0)) }
            guard hit else { continue }
            reveal(n)
            return .handled
        }
        return .message(forward ? "no more matches below" : "no more matches above")
    }

    /// Moves to the call that holds a stream row (timeline mode).
    mutating func select(storeRow row: Int) {
        guard model.mode == .timeline, model.calls.count > 0 else { return }
        var best: Int?
        for n in 0..<model.calls.count where Int(model.calls.firstRow[n]) <= row && Int(model.calls.lastRow[n]) >= row {
            if best.map({ model.calls.firstRow[n] >= model.calls.firstRow[$0] }) ?? true { best = n }
        }
        guard let n = best else { return }
        reveal(n)
    }

    /// Unfolds a node's callers and puts the cursor on it.
    private mutating func reveal(_ n: Int) {
        var p = model.parent(n)
        while p >= 0 {
            open.insert(p)
            p = model.parent(p)
        }
        rebuildRows()
        if let r = rows.firstIndex(where: { $0.node == n }) { cursor = r }
    }

}

extension CallTreeView: TraceView {
    static var keyContext: KeyContext { .tree }

    mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome { handle(command, pageHeight: ctx.pageHeight) }

    mutating func layout(in rect: Rect, _ ctx: ViewContext) { layout(in: rect) }

    func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) { render(into: &canvas, in: rect) }

    func status(_ ctx: ViewContext, width: Int) -> StatusLine { StatusBar.tree(ctx.snapshot, self, width: width) }
}
