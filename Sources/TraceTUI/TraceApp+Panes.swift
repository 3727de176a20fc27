import Screen
import TraceModel

/// Moving between the views: `1`–`5`, Tab, and the call tree of the whole trace or of an A–B range (built by a
/// job when the range is large).
extension TraceApp {
    /// `3` / `4`: the hotspot table or the flame graph, built from the whole trace once it has loaded.
    mutating func open(_ pane: KeyContext) {
        guard snapshot.progress.finished else {
            // Asking again while waiting changes the user's mind.
            if paneRequested == pane {
                paneRequested = nil
                message = nil
            } else {
                paneRequested = pane
                say("the \(pane.place) opens when the file has loaded")
            }
            return
        }
        switch pane {
        case .stream:
            if focus == .tree { switchPane() }
            focus = .stream
            return
        case .tree:
            if focus != .tree {
                focus = .stream
                switchPane()
            }
            return
        case .system:
            if focus != .system { run(.showSystemPanes) }
            return
        case .live, .timeline:
            return
        case .latency:
            detail.close()
            focus = .latency
            if latency == nil { latency = LatencyView() }
            return
        case .global, .hotspots, .flame:
            break
        }
        if isLive {
            // Live, the table is built off the UI thread (`hotspotRefreshRequest`): open now, filled in a moment.
            detail.close()
            focus = pane
            return
        }
        detail.close()
        focus = pane
        rescopeHotspots()
        let built = pane == .hotspots ? hotspots != nil : flame != nil
        if pane == .flame, flame == nil, hotspotSource != nil, !panesBuilding.contains(.flame), hotspotSource?.kind == .events {
            focus = .stream
            say("no stacks or function_graph calls in this trace")
            return
        }
        guard !built, !panesBuilding.contains(pane) else { return }
        panesBuilding.insert(pane)
        // The source is built once: a pane asked for while it is on its way waits for it.
        if hotspotSource == nil, sourceBuilding { return }
        requestOpen(pane)
    }

    /// Tab: between the stream and the call tree, carrying the time cursor across.
    mutating func switchPane() {
        if focus == .hotspots || focus == .flame || focus == .latency || focus == .timeline {
            focus = .stream
            return
        }
        if focus == .tree {
            focus = .stream
            if let t = tree, let node = t.selectedNode, let row = t.model.firstRow(node) {
                stream.jump(toStoreRow: row, store)
                stream.highlight = row...Int(t.model.calls.lastRow[node])
            }
            return
        }
        guard snapshot.progress.finished else {
            open(.tree)
            return
        }
        // Markers A and B limit the tree to the calls between them.
        var range: Range<Int>?
        if let a = stream.markerA, let b = stream.markerB { range = min(a, b)..<(max(a, b) + 1) }
        let hosts = treeHosts
        if tree == nil || tree?.rowRange != range || tree?.hostScope != hosts {
            if let range, range.count > treeRowsInline {
                // A large range's tree takes seconds: a job builds it off this thread.
                guard pendingTree != range else { return }
                pendingTree = range
                let store = self.store
                emit(.run(Job(key: "tree") { _ in .treeBuilt(CallTree(store: store, rows: range, hosts: hosts), rows: range) }))
                say("building the call tree of rows \(range.lowerBound + 1)–\(range.upperBound) (A–B)…")
                return
            }
            tree = CallTreeView(store: store, prebuilt: snapshot.callTree, rows: range, hosts: hosts)
        }
        showTree()
    }

    /// A tree built in the background: shown if the markers still give that range.
    mutating func treeBuilt(_ calls: CallTree, rows: Range<Int>) {
        guard pendingTree == rows else { return }
        pendingTree = nil
        var range: Range<Int>?
        if let a = stream.markerA, let b = stream.markerB { range = min(a, b)..<(max(a, b) + 1) }
        guard range == rows else { return }
        message = nil
        tree = CallTreeView(calls: calls, rows: rows, hosts: treeHosts)
        showTree()
    }

    mutating func showTree() {
        guard let t = tree, !t.isEmpty else {
            say("no function_graph calls in this trace")
            return
        }
        focus = .tree
        if let row = stream.selectedRow(store) { tree?.select(storeRow: row) }
    }
}
