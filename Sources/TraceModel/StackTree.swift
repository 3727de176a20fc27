/// Stacks merged from the root outward: the flame graph's data, a hotspot entry's callchain, and what
/// folded stacks are written from. Node 0 is the root (all stacks); a node's value is the weight of the
/// stacks through it, its self value the weight of those ending at it.
public struct StackTree: Sendable {
    public private(set) var names: [String] = []
    public private(set) var dsoNames: [String] = []
    public private(set) var name: [UInt32] = [.max]
    public private(set) var dso: [UInt32] = [.max]
    public private(set) var value: [Int64] = [0]
    public private(set) var selfValue: [Int64] = [0]
    public private(set) var parent: [Int32] = [-1]
    public private(set) var children: [[Int32]] = [[]]
    private var childIndex = IDTable(capacity: 256)

    public init(names: [String] = [], dsoNames: [String] = []) {
        self.names = names
        self.dsoNames = dsoNames
    }

    public var count: Int { name.count }

    public func label(_ node: Int) -> String { node == 0 ? "all" : names[Int(name[node])] }

    public func dsoLabel(_ node: Int) -> String? {
        dso[node] == .max ? nil : dsoNames[Int(dso[node])]
    }

    public func depth(_ node: Int) -> Int {
        var d = 0
        var p = parent[node]
        while p >= 0 {
            d += 1
            p = parent[Int(p)]
        }
        return d
    }

    /// The names from the root's child down to `node`.
    public func path(_ node: Int) -> [String] {
        var out: [String] = []
        var n = node
        while n > 0 {
            out.append(label(n))
            n = Int(parent[n])
        }
        return out.reversed()
    }

    /// The child of `node` named `nameID`, created when missing.
    public mutating func child(of node: Int, name nameID: UInt32, dso dsoID: UInt32 = .max) -> Int {
        var isNew = false
        let id = Int(childIndex.id(UInt64(node) << 32 | UInt64(nameID), isNew: &isNew)) + 1
        if isNew {
            name.append(nameID)
            dso.append(dsoID)
            value.append(0)
            selfValue.append(0)
            parent.append(Int32(node))
            children.append([])
            children[node].append(Int32(id))
        }
        return id
    }

    /// Adds one stack, outermost frame first.
    public mutating func add<S: Sequence>(path: S, weight: Int64) where S.Element == (name: UInt32, dso: UInt32) {
        var node = 0
        value[0] += weight
        for frame in path {
            node = child(of: node, name: frame.name, dso: frame.dso)
            value[node] += weight
        }
        selfValue[node] += weight
    }

    mutating func setValues(node: Int, value v: Int64, selfValue s: Int64) {
        value[node] = v
        selfValue[node] = s
    }

    /// Children ordered by value, largest first (the flame view's and callchain's order).
    public func childrenByValue(_ node: Int) -> [Int32] {
        children[node].sorted { value[Int($0)] > value[Int($1)] || (value[Int($0)] == value[Int($1)] && $0 < $1) }
    }

    /// Nodes in depth-first order, children in the order they were first seen.
    public func depthFirst() -> [Int] {
        var out: [Int] = []
        var stack: [Int] = [0]
        while let n = stack.popLast() {
            out.append(n)
            for c in children[n].reversed() { stack.append(Int(c)) }
        }
        return out
    }
}

extension StackTree {
    /// Samples merged by stack, the task's comm as the outermost frame (as stackcollapse-perf writes them).
    /// `pid` keeps only one thread's samples.
    public init(samples s: StackSamples, includeComm: Bool = true, pid: Int32? = nil) {
        self.init(names: s.functionNames + s.commNames, dsoNames: s.dsoNames)
        let commBase = UInt32(s.functionNames.count)
        for i in 0..<s.count {
            let task = Int(s.sampleTask[i])
            if let pid, s.taskPID[task] != pid { continue }
            let w = s.sampleWeight[i]
            var node = 0
            value[0] += w
            if includeComm, !s.commNames[Int(s.taskComm[task])].isEmpty {
                node = child(of: node, name: commBase + s.taskComm[task])
                value[node] += w
            }
            let f = s.frames(of: i)
            for l in f.reversed() {
                node = child(of: node, name: s.locationFunction[Int(l)], dso: s.locationDso[Int(l)])
                value[node] += w
            }
            selfValue[node] += w
        }
    }

    /// function_graph calls merged by call path: value = total time, self = self time (ns).
    public init(calls paths: CallPathTree) {
        var nameIDs: [String: UInt32] = [:]
        var table: [String] = []
        for node in paths.nodes where nameIDs[node.name] == nil {
            nameIDs[node.name] = UInt32(table.count)
            table.append(node.name)
        }
        self.init(names: table)
        var stack: [(path: Int, node: Int)] = paths.roots.reversed().map { ($0, 0) }
        while let (p, parentNode) = stack.popLast() {
            let n = paths.nodes[p]
            let node = child(of: parentNode, name: nameIDs[n.name]!)
            setValues(node: node, value: value[node].saturatingAdd(n.total),
                      selfValue: selfValue[node].saturatingAdd(n.selfTime))
            for c in n.children.reversed() { stack.append((c, node)) }
        }
        value[0] = paths.roots.reduce(0) { $0.saturatingAdd(paths.nodes[$1].total) }
    }

    /// The callchain of a hotspot entry: for every sample whose stack holds the entry's function (and
    /// matches its other keys), the frames beyond it — towards the root (`callers`) or towards the leaf.
    /// Without children only samples where the function is the leaf count, as in perf.
    public init(callchainOf entry: Int, in table: HotspotTable, samples s: StackSamples, callers: Bool) {
        self.init(names: s.functionNames, dsoNames: s.dsoNames)
        let sym = table.value(.symbol, of: entry), dsoV = table.value(.dso, of: entry)
        let comm = table.value(.comm, of: entry), pidV = table.value(.pid, of: entry).map { Int32(bitPattern: $0) }
        let cpu = table.value(.cpu, of: entry).map { UInt16(truncatingIfNeeded: $0) }
        let pidFilter = table.filter.pid
        var path: [(name: UInt32, dso: UInt32)] = []
        for i in 0..<s.count {
            let task = Int(s.sampleTask[i])
            if let pidFilter, s.taskPID[task] != pidFilter { continue }
            if let comm, s.taskComm[task] != comm { continue }
            if let pidV, s.taskPID[task] != pidV { continue }
            if let cpu, s.sampleCPU[i] != cpu { continue }
            let f = s.frames(of: i)
            guard !f.isEmpty else { continue }
            let searched = table.children ? f.indices : f.startIndex..<(f.startIndex + 1)
            // The outermost occurrence: a recursive function's whole chain hangs below it once.
            var hit: Int?
            for j in searched.reversed() {
                let l = Int(f[j])
                if let sym, s.locationFunction[l] != sym { continue }
                if let dsoV, s.locationDso[l] != dsoV { continue }
                hit = j
                break
            }
            guard let j = hit else { continue }
            path.removeAll(keepingCapacity: true)
            if callers {
                for k in (j + 1)..<f.endIndex { path.append((s.locationFunction[Int(f[k])], s.locationDso[Int(f[k])])) }
            } else {
                for k in stride(from: j - 1, through: f.startIndex, by: -1) {
                    path.append((s.locationFunction[Int(f[k])], s.locationDso[Int(f[k])]))
                }
            }
            add(path: path, weight: s.sampleWeight[i])
        }
    }
}
