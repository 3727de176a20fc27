import TraceModel

/// The call tree as the view walks it: the timeline (every call as it happened) or the merged call
/// paths (like `uftrace graph`), behind one set of questions.
struct CallTreeModel {
    enum Mode: String, Sendable { case timeline, merged }

    let calls: CallTree
    let paths: CallPathTree
    var mode: Mode

    init(store: EventStore, mode: Mode = .timeline) {
        calls = CallTree(store: store)
        paths = CallPathTree(calls)
        self.mode = mode
    }

    var roots: [Int] { mode == .timeline ? calls.roots.map(Int.init) : paths.roots }

    func children(of n: Int) -> [Int] {
        mode == .timeline ? calls.children(of: n).map(Int.init) : paths.nodes[n].children
    }

    func hasChildren(_ n: Int) -> Bool {
        mode == .timeline ? !calls.children(of: n).isEmpty : !paths.nodes[n].children.isEmpty
    }

    func name(_ n: Int) -> String { mode == .timeline ? calls.name(n) : paths.nodes[n].name }
    func total(_ n: Int) -> Int64 { mode == .timeline ? calls.total[n] : paths.nodes[n].total }
    func selfTime(_ n: Int) -> Int64 { mode == .timeline ? calls.selfTime(n) : paths.nodes[n].selfTime }
    func calls(_ n: Int) -> Int { mode == .timeline ? 1 : paths.nodes[n].calls }

    func isIRQ(_ n: Int) -> Bool { mode == .timeline && calls.flags[n].contains(.irq) }

    func isIncomplete(_ n: Int) -> Bool {
        mode == .timeline ? !calls.flags[n].isDisjoint(with: [.unfinished, .startedBefore]) : paths.nodes[n].incomplete
    }

    /// Where the call sits in the stream (timeline only).
    func firstRow(_ n: Int) -> Int? { mode == .timeline ? Int(calls.firstRow[n]) : nil }

    func label(_ n: Int) -> String {
        guard mode == .timeline else { return "" }
        return "\(calls.taskNames[Int(calls.task[n])]) cpu\(calls.cpu[n])"
    }

    /// The parent of every node of the current mode (computed once per mode for the merged paths).
    func parents() -> [Int] {
        if mode == .timeline { return calls.parent.map(Int.init) }
        var p = [Int](repeating: -1, count: paths.nodes.count)
        for (i, node) in paths.nodes.enumerated() { for c in node.children { p[c] = i } }
        return p
    }
}
