/// Calls merged by call path, like `uftrace graph`: every distinct path from a root gets one node with
/// the number of calls and their total, self, max and min times.
public struct CallPathTree: Sendable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var calls = 0
        public var total: Int64 = 0
        public var selfTime: Int64 = 0
        public var max: Int64 = 0
        public var min: Int64 = .max
        public var children: [Int] = []
        /// Some merged call ran past the end of the trace or began before it.
        public var incomplete = false
    }

    public private(set) var nodes: [Node] = []
    public private(set) var roots: [Int] = []

    /// Merges the whole tree, only the subtrees of calls to `function` (each such call as a root), or
    /// only the given top-level calls (one CPU's or one task's).
    public init(_ tree: CallTree, function: String? = nil, roots chosenRoots: [Int]? = nil) {
        var index: [PathKey: Int] = [:]
        var starts: [Int] = []
        if let function {
            for n in 0..<tree.count where tree.name(n) == function { starts.append(n) }
            // A call to `function` inside another one is already inside that subtree.
            starts = starts.filter { n in
                var p = tree.parent[n]
                while p >= 0 {
                    if tree.name(Int(p)) == function { return false }
                    p = tree.parent[Int(p)]
                }
                return true
            }
            // A call that began before the trace gets its node at its closing line: order by start.
            starts.sort { tree.firstRow[$0] < tree.firstRow[$1] }
        } else {
            starts = chosenRoots ?? tree.roots.map(Int.init)
        }
        var stack: [(call: Int, parent: Int)] = starts.reversed().map { ($0, -1) }
        while let (call, parentPath) = stack.popLast() {
            let key = PathKey(parent: parentPath, function: tree.function[call])
            let path: Int
            if let existing = index[key] {
                path = existing
            } else {
                path = nodes.count
                index[key] = path
                nodes.append(Node(name: tree.name(call)))
                if parentPath < 0 { roots.append(path) } else { nodes[parentPath].children.append(path) }
            }
            let t = tree.total[call]
            nodes[path].calls += 1
            // Saturating: durations read from a log may sum past Int64.max.
            nodes[path].total = nodes[path].total.saturatingAdd(t)
            nodes[path].selfTime = nodes[path].selfTime.saturatingAdd(tree.selfTime(call))
            nodes[path].max = Swift.max(nodes[path].max, t)
            nodes[path].min = Swift.min(nodes[path].min, t)
            if !tree.flags[call].isDisjoint(with: [.unfinished, .startedBefore]) { nodes[path].incomplete = true }
            // Pushed in time order, then turned in place (the collection only walks forward, so `reversed()`
            // made an array per call).
            let mark = stack.count
            for c in tree.children(of: call) { stack.append((Int(c), path)) }
            stack[mark...].reverse()
        }
    }

    private struct PathKey: Hashable {
        var parent: Int
        var function: UInt32
    }

    /// Deeper than this the tree's branch lines give way to a `[depth N]` mark: the drawing of a 100 000-deep
    /// chain would otherwise be 10^10 characters.
    public static let maxDrawnDepth = 256

    /// The nodes in depth-first order, each with its depth and whether it is its parent's last child; walked with
    /// a stack, since a call chain as deep as the input makes it would overflow the thread's stack by recursion.
    func walk(maxDepth: Int?, _ body: (_ node: Int, _ depth: Int, _ last: Bool, _ branches: [Bool]) -> Void,
              leave: (_ node: Int) -> Void = { _ in }) {
        // `branches[d]`: whether the ancestor at depth d+1 has siblings below it (a `│` is drawn in its column).
        var branches: [Bool] = []
        var stack: [(node: Int, depth: Int, last: Bool, entered: Bool)] = roots.reversed().map { ($0, 0, true, false) }
        while let top = stack.popLast() {
            if top.entered {
                leave(top.node)
                if top.depth > 0, !branches.isEmpty { branches.removeLast() }
                continue
            }
            body(top.node, top.depth, top.last, branches)
            stack.append((top.node, top.depth, top.last, true))
            if top.depth > 0 { branches.append(!top.last) }
            if let maxDepth, top.depth + 1 > maxDepth { continue }
            // Pushed last first by index: `enumerated().reversed()` built an array per node.
            let children = nodes[top.node].children
            var i = children.count - 1
            while i >= 0 {
                stack.append((children[i], top.depth + 1, i == children.count - 1, false))
                i -= 1
            }
        }
    }

    /// The text `tracetui graph` prints: one line per call path, indented under its caller. Written as bytes:
    /// per line a few small Strings were appended and joined, which cost more than the walk.
    public func text(maxDepth: Int? = nil) -> String {
        var out: [UInt8] = []
        out.append(contentsOf: "#  TOTAL TIME    SELF TIME    MAX TIME  CALLS  FUNCTION\n".utf8)
        walk(maxDepth: maxDepth) { n, depth, last, branches in
            let node = nodes[n]
            Self.column(TimeFormat.duration(nanoseconds: node.total), 13, &out)
            Self.column(TimeFormat.duration(nanoseconds: node.selfTime), 13, &out)
            Self.column(TimeFormat.duration(nanoseconds: node.max), 12, &out)
            Self.column(String(node.calls), 7, &out)
            out.append(0x20)
            out.append(0x20)
            if depth > Self.maxDrawnDepth {
                out.append(contentsOf: "[depth \(depth)] ".utf8)
            } else if depth > 0 {
                for b in branches { out.append(contentsOf: b ? Self.pipe : Self.blank) }
                out.append(contentsOf: last ? Self.lastBranch : Self.branch)
            }
            out.append(contentsOf: node.name.utf8)
            if node.incomplete { out.append(contentsOf: Self.ellipsis) }
            out.append(0x0A)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let pipe = Array("│ ".utf8), blank = Array("  ".utf8)
    private static let lastBranch = Array("└─".utf8), branch = Array("├─".utf8), ellipsis = Array(" …".utf8)

    /// The JSON `tracetui graph --format json` prints: `{"roots": [ {name, calls, total_ns, self_ns,
    /// max_ns, min_ns, children: [...]}, … ]}`.
    public func json(maxDepth: Int? = nil) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("roots")
        w.beginArray()
        walk(maxDepth: maxDepth, { n, _, _, _ in
            let node = nodes[n]
            w.beginObject()
            w.key("name"); w.string(node.name)
            w.key("calls"); w.number(node.calls)
            w.key("total_ns"); w.number(Int(node.total))
            w.key("self_ns"); w.number(Int(node.selfTime))
            w.key("max_ns"); w.number(Int(node.max))
            w.key("min_ns"); w.number(Int(node.min == .max ? 0 : node.min))
            if node.incomplete { w.key("incomplete"); w.raw("true") }
            w.key("children")
            w.beginArray()
        }, leave: { _ in
            w.endArray()
            w.endObject()
        })
        w.endArray()
        w.endObject()
        return w.text
    }

    /// `s` right-aligned in `width` characters. The durations are one scalar per character (`µ` is the only
    /// non-ASCII one), so characters are the UTF-8 bytes that do not continue a scalar.
    private static func column(_ s: String, _ width: Int, _ out: inout [UInt8]) {
        var chars = 0
        for b in s.utf8 where b & 0xC0 != 0x80 { chars += 1 }
        if chars < width { out.append(contentsOf: repeatElement(0x20, count: width - chars)) }
        out.append(contentsOf: s.utf8)
    }
}

extension Int64 {
    /// `self + other`, held at Int64.max / Int64.min instead of trapping: for sums of values read from input.
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (v, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : v
    }
}
