import TraceModel

/// The call tree as the view walks it: the timeline (every call as it happened) or the merged call
/// paths (like `uftrace graph`), behind one set of questions.
struct CallTreeModel {
    enum Mode: String, Sendable { case timeline, merged }

    /// Which top-level calls the tree shows: all, one CPU's, or one task's.
    enum Scope: Equatable, Sendable {
        case all
        case cpu(UInt16)
        case task(UInt32)
    }

    let calls: CallTree
    /// Merged lazily: on a large trace the merge takes a while, and many users never ask for it.
    private(set) var paths = CallPathTree(CallTree(store: EventStore()))
    private var pathParents: [Int] = []
    private var pathsBuilt = false
    private(set) var mode = Mode.timeline
    private(set) var scope = Scope.all
    private(set) var timelineRoots: [Int]

    init(calls: CallTree, mode: Mode = .timeline) {
        self.calls = calls
        timelineRoots = calls.roots.map(Int.init)
        setMode(mode)
    }

    mutating func setMode(_ newMode: Mode) {
        mode = newMode
        guard mode == .merged, !pathsBuilt else { return }
        paths = CallPathTree(calls, roots: scope == .all ? nil : timelineRoots)
        pathParents = [Int](repeating: -1, count: paths.nodes.count)
        for (i, node) in paths.nodes.enumerated() { for c in node.children { pathParents[c] = i } }
        pathsBuilt = true
    }

    var roots: [Int] { mode == .timeline ? timelineRoots : paths.roots }

    /// Every scope the trace has, in the order the chooser cycles through them.
    var scopes: [Scope] {
        let cpus = Set(calls.roots.map { calls.cpu[Int($0)] }).sorted()
        let tasks = Set(calls.roots.map { calls.task[Int($0)] }).sorted()
        return [.all] + (cpus.count > 1 ? cpus.map { .cpu($0) } : []) + (tasks.count > 1 ? tasks.map { .task($0) } : [])
    }

    mutating func setScope(_ newScope: Scope) {
        scope = newScope
        let chosen = calls.roots.map(Int.init).filter { r in
            switch newScope {
            case .all: return true
            case .cpu(let c): return calls.cpu[r] == c
            case .task(let t): return calls.task[r] == t
            }
        }
        timelineRoots = chosen
        pathsBuilt = false
        setMode(mode)
    }

    var scopeLabel: String {
        switch scope {
        case .all: return "all CPUs and tasks"
        case .cpu(let c): return "cpu \(c)"
        case .task(let t): return "task \(calls.taskNames[Int(t)])"
        }
    }

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
    func minimum(_ n: Int) -> Int64 { mode == .timeline ? calls.total[n] : paths.nodes[n].min }
    func maximum(_ n: Int) -> Int64 { mode == .timeline ? calls.total[n] : paths.nodes[n].max }
    func average(_ n: Int) -> Int64 { total(n) / Int64(max(1, calls(n))) }

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

    /// A merged node's chain of names from its root (how it is found again in a newer tree).
    func mergedPath(_ n: Int) -> [String] {
        guard mode == .merged, n < paths.nodes.count else { return [] }
        var out: [String] = []
        var p = n
        while p >= 0 {
            out.append(paths.nodes[p].name)
            p = pathParents[p]
        }
        return out.reversed()
    }

    /// The merged node at the end of a chain of names, if this tree has it.
    func mergedNode(path: [String]) -> Int? {
        guard mode == .merged, let first = path.first else { return nil }
        var node = paths.roots.first { paths.nodes[$0].name == first }
        for name in path.dropFirst() {
            guard let n = node else { return nil }
            node = paths.nodes[n].children.first { paths.nodes[$0].name == name }
        }
        return node
    }

    /// The caller of a node in the current mode, or -1.
    func parent(_ n: Int) -> Int { mode == .timeline ? Int(calls.parent[n]) : pathParents[n] }
}
