/// The callchain `perf report --stdio -g` prints under an entry, and its text.
///
/// Which frames perf hangs under an entry (facts from perf's cumulative hist iterator): with caller order the
/// sample's chain is walked from the root, so a sample where the entry is the leaf gives its whole chain (root
/// to leaf), any other sample the frames from the entry's outermost occurrence down to the leaf. Callee order
/// mirrors it: the whole chain leaf to root for the leaf, else from the innermost occurrence up to the root.
/// Without children only samples where the entry is the leaf count, each giving its whole chain.
public enum PerfCallchain {
    public enum Order: String, Sendable { case caller, callee }

    /// The merged chains of `entry` (node values are weights; a node's self value, chains ending there).
    /// `samples` must be the samples `table` was built from.
    public static func tree(of entry: Int, in table: HotspotTable, samples s: StackSamples, order: Order) -> StackTree {
        var tree = StackTree(names: s.functionNames, dsoNames: s.dsoNames)
        let sym = table.value(.symbol, of: entry), dsoV = table.value(.dso, of: entry)
        let comm = table.value(.comm, of: entry), pidV = table.value(.pid, of: entry).map { Int32(bitPattern: $0) }
        let cpu = table.value(.cpu, of: entry).map { UInt16(truncatingIfNeeded: $0) }
        func matches(_ l: Int) -> Bool {
            if let sym, s.locationFunction[l] != sym { return false }
            if let dsoV, s.locationDso[l] != dsoV { return false }
            return true
        }
        // A zoom into a thread (or a command) that is not a key of the table.
        let zoomPID = table.filter.pid
        let zoomComm = zoomPID == nil ? table.filter.comm.flatMap { c in s.commNames.firstIndex(of: c) } : nil
        var path: [(name: UInt32, dso: UInt32)] = []
        for i in 0..<s.count {
            let task = Int(s.sampleTask[i])
            if let zoomPID, s.taskPID[task] != zoomPID { continue }
            if let zoomComm, s.taskComm[task] != UInt32(zoomComm) { continue }
            if let comm, s.taskComm[task] != comm { continue }
            if let pidV, s.taskPID[task] != pidV { continue }
            if let cpu, s.sampleCPU[i] != cpu { continue }
            let f = s.frames(of: i)
            guard let leaf = f.first else { continue }
            // Frames are innermost first: index 0 the leaf, the last the root.
            var from = 0, to = f.count - 1
            if !matches(Int(leaf)) {
                guard table.children else { continue }
                let hit = order == .caller ? f.indices.reversed().first { matches(Int(f[$0])) }
                    : f.indices.first { matches(Int(f[$0])) }
                guard let j = hit else { continue }
                if order == .caller { to = j - f.startIndex } else { from = j - f.startIndex }
            }
            path.removeAll(keepingCapacity: true)
            let indices = order == .caller ? Array(stride(from: to, through: from, by: -1)) : Array(from...to)
            for k in indices {
                let l = Int(f[f.startIndex + k])
                path.append((s.locationFunction[l], s.locationDso[l]))
            }
            tree.add(path: path, weight: s.sampleWeight[i])
        }
        return tree
    }

    /// perf's `graph` print type (absolute percentages of `total`): branches under `minPercent` of `total`
    /// are left out; a run of frames without a branch prints as one block. Empty when nothing is left.
    public static func text(_ tree: StackTree, total: Int64, minPercent: Double) -> String {
        let minHit = Double(total) * minPercent / 100
        func kept(_ node: Int) -> [Int] {
            tree.childrenByValue(node).map(Int.init).filter { Double(tree.value[$0]) >= minHit && tree.value[$0] > 0 }
        }
        // A block: the node and the ones below it while each has one child and no chain ends on it.
        func run(_ node: Int) -> (labels: [String], last: Int) {
            var labels = [tree.label(node)]
            var n = node
            while tree.children[n].count == 1, tree.selfValue[n] == 0 {
                n = Int(tree.children[n][0])
                labels.append(tree.label(n))
            }
            return (labels, n)
        }
        func pct(_ v: Int64) -> String { HotspotTable.fixed2(total > 0 ? Double(v) * 100 / Double(total) : 0) + "%" }
        let margin = String(repeating: " ", count: 12)
        var out = ""
        func graph(_ node: Int, depth: Int, mask: UInt64, left: Int) {
            let children = kept(node)
            let pad = margin + String(repeating: " ", count: left)
            for (k, c) in children.enumerated() {
                var newMask = mask
                if k == children.count - 1 { newMask &= ~(1 << UInt64(depth - 1)) }
                var line = pad
                for i in 0..<depth { line += mask & (1 << UInt64(i)) != 0 ? "|          " : "           " }
                out += line + "\n"
                let (labels, last) = run(c)
                for (p, label) in labels.enumerated() {
                    var l = pad
                    for i in 0..<depth {
                        l += newMask & (1 << UInt64(i)) != 0 ? "|" : " "
                        l += p == 0 && i == depth - 1 ? "--" + pct(tree.value[c]) + "--" : "          "
                    }
                    out += l + label + "\n"
                }
                graph(last, depth: depth + 1, mask: newMask | (1 << UInt64(depth)), left: left)
            }
        }
        let top = kept(0)
        if top.count == 1, tree.value[top[0]] == tree.value[0] {
            // One chain from the top holding all of the entry: perf prints it after `---`, without a percentage.
            let (labels, last) = run(top[0])
            out += margin + "|\n"
            for (p, label) in labels.enumerated() { out += (p == 0 ? margin + "---" : margin + "   ") + label + "\n" }
            graph(last, depth: 1, mask: 1, left: 3)
        } else if !top.isEmpty {
            graph(0, depth: 1, mask: 1, left: 0)
        }
        return out
    }
}
