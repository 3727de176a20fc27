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
            nodes[path].total += t
            nodes[path].selfTime += tree.selfTime(call)
            nodes[path].max = Swift.max(nodes[path].max, t)
            nodes[path].min = Swift.min(nodes[path].min, t)
            if !tree.flags[call].isDisjoint(with: [.unfinished, .startedBefore]) { nodes[path].incomplete = true }
            for c in tree.children(of: call).reversed() { stack.append((Int(c), path)) }
        }
    }

    private struct PathKey: Hashable {
        var parent: Int
        var function: UInt32
    }

    /// The text `tracetui graph` prints: one line per call path, indented under its caller.
    public func text(maxDepth: Int? = nil) -> String {
        var out = "#  TOTAL TIME    SELF TIME    MAX TIME  CALLS  FUNCTION\n"
        func visit(_ n: Int, _ prefix: String, _ depth: Int, last: Bool) {
            let node = nodes[n]
            let branch = depth == 0 ? "" : prefix + (last ? "└─" : "├─")
            out += Self.column(TimeFormat.duration(nanoseconds: node.total), 13)
                + Self.column(TimeFormat.duration(nanoseconds: node.selfTime), 13)
                + Self.column(TimeFormat.duration(nanoseconds: node.max), 12)
                + Self.column(String(node.calls), 7) + "  " + branch + node.name
                + (node.incomplete ? " …" : "") + "\n"
            if let maxDepth, depth + 1 > maxDepth { return }
            let childPrefix = depth == 0 ? "" : prefix + (last ? "  " : "│ ")
            for (i, c) in node.children.enumerated() {
                visit(c, childPrefix, depth + 1, last: i == node.children.count - 1)
            }
        }
        for r in roots { visit(r, "", 0, last: true) }
        return out
    }

    /// The JSON `tracetui graph --format json` prints: `{"roots": [ {name, calls, total_ns, self_ns,
    /// max_ns, min_ns, children: [...]}, … ]}`.
    public func json(maxDepth: Int? = nil) -> String {
        var w = JSONWriter()
        func visit(_ n: Int, _ depth: Int) {
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
            if maxDepth.map({ depth + 1 <= $0 }) ?? true {
                for c in node.children { visit(c, depth + 1) }
            }
            w.endArray()
            w.endObject()
        }
        w.beginObject()
        w.key("roots")
        w.beginArray()
        for r in roots { visit(r, 0) }
        w.endArray()
        w.endObject()
        return w.text
    }

    private static func column(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
