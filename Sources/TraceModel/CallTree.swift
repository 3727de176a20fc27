/// The calls of a function_graph trace rebuilt from its lines: one node per call, nested per CPU,
/// stored in columns. Children of a node are `children[childStart[n]..<childStart[n+1]]`, in time order.
public struct CallTree: Sendable, Equatable {
    /// Marks on a call that the trace did not show whole.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Ran inside an interrupt (between `==========>` and `<==========`).
        public static let irq = Flags(rawValue: 1)
        /// Opened but never closed: the trace ended inside it; its total is a lower bound.
        public static let unfinished = Flags(rawValue: 2)
        /// Closed but never opened: the trace began inside it.
        public static let startedBefore = Flags(rawValue: 4)
    }

    /// Calls in depth-first order: each root (by start) followed by everything that ran inside it, each
    /// call's children in time order. A call's descendants are `n + 1 ..< subtreeEnd[n]`: 32 bytes a call.
    public private(set) var function: [UInt32] = []
    public private(set) var total: [Int64] = []
    public private(set) var firstRow: [UInt32] = []
    public private(set) var lastRow: [UInt32] = []
    public private(set) var parent: [Int32] = []
    public private(set) var subtreeEnd: [Int32] = []
    /// The task id in the low 29 bits, the flags above.
    private var taskAndFlags: [UInt32] = []
    public private(set) var roots: [Int32] = []
    /// The CPU of each root's lane (0xFFFF for lanes of threads): its calls ran there.
    private var rootCPU: [UInt16] = []
    public private(set) var functionNames: [String] = []
    public private(set) var taskNames: [String] = []

    static let taskBits: UInt32 = 29

    public var count: Int { function.count }

    /// Whether a store holds any function_graph lines worth building a tree from.
    public static func hasCalls(_ store: EventStore) -> Bool {
        let s = store.summary.byEvent
        return (s["funcgraph_entry"] ?? 0) + (s["funcgraph_exit"] ?? 0) > 0
    }

    public func name(_ node: Int) -> String { functionNames[Int(function[node])] }

    /// A call's direct children, in time order: each one's subtree is skipped to reach the next.
    public func children(of node: Int) -> Children { Children(subtreeEnd: subtreeEnd, node: node) }

    public struct Children: Collection, Sendable {
        let subtreeEnd: [Int32]
        let node: Int

        public var startIndex: Int32 { Int32(node + 1) }
        public var endIndex: Int32 { subtreeEnd[node] }
        public func index(after i: Int32) -> Int32 { subtreeEnd[Int(i)] }
        public subscript(i: Int32) -> Int32 { i }
    }

    /// `task[n]`: the task id of call `n` (an index of `taskNames`).
    public var task: Tasks { Tasks(packed: taskAndFlags) }

    public struct Tasks: RandomAccessCollection, Sendable {
        let packed: [UInt32]
        public var startIndex: Int { 0 }
        public var endIndex: Int { packed.count }
        public subscript(node: Int) -> UInt32 { packed[node] & ((1 << CallTree.taskBits) - 1) }
    }

    /// `flags[n]`: what the trace did not show of call `n`, and whether it ran in an interrupt.
    public var flags: FlagColumn { FlagColumn(packed: taskAndFlags) }

    public struct FlagColumn: RandomAccessCollection, Sendable {
        let packed: [UInt32]
        public var startIndex: Int { 0 }
        public var endIndex: Int { packed.count }
        public subscript(node: Int) -> Flags { Flags(rawValue: UInt8(truncatingIfNeeded: packed[node] >> CallTree.taskBits)) }
    }

    /// `cpu[n]`: the CPU call `n` ran on (0xFFFF when the trace names threads instead).
    public var cpu: CPUs { CPUs(parent: parent, rootOrder: roots, rootCPU: rootCPU) }

    public struct CPUs: Sendable {
        let parent: [Int32]
        let rootOrder: [Int32]
        let rootCPU: [UInt16]

        public subscript(node: Int) -> UInt16 {
            var n = node
            while parent[n] >= 0 { n = Int(parent[n]) }
            // Roots are in increasing id order: find this one's place.
            var lo = 0, hi = rootOrder.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(rootOrder[mid]) < n { lo = mid + 1 } else { hi = mid }
            }
            return rootCPU[lo]
        }
    }

    /// Total minus the children's totals: time spent in the function's own code.
    public func selfTime(_ node: Int) -> Int64 {
        var t = total[node]
        for c in children(of: node) { t -= total[Int(c)] }
        return max(0, t)
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

    // MARK: - building

    /// Rebuilds the calls from the store's function_graph rows (funcgraph_entry / funcgraph_exit /
    /// funcgraph_irq / context-switch banners), in file order — all rows, or only those in `rows`
    /// (an A–B marker range: calls cut by its edges come out unfinished or started before).
    public init(store: EventStore, rows: Range<Int>? = nil) {
        let range = rows.map { $0.clamped(to: 0..<store.count) } ?? 0..<store.count
        var b = CallTreeBuilder(expectedCalls: rows == nil ? CallTreeBuilder.expectedCalls(store) : 0)
        if !range.isEmpty { b.consume(store: store, rows: range) }
        self = b.finish()
    }

    /// Lays out the builder's calls depth first (see `function`).
    init(laidOut b: consuming CallTreeBuilder, functionNames: [String], taskNames: [String]) {
        self.functionNames = functionNames
        self.taskNames = taskNames
        let n = b.count
        // Children lists in the order calls began, as offsets into one array.
        var start = [Int32](repeating: 0, count: n + 1)
        for p in b.parent where p >= 0 { start[Int(p) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var kids = [Int32](repeating: 0, count: Int(start[n]))
        var fill = start
        var rootList: [Int32] = []
        for c in 0..<n {
            let p = Int(b.parent[c])
            if p < 0 {
                rootList.append(Int32(c))
            } else {
                kids[Int(fill[p])] = Int32(c)
                fill[p] += 1
            }
        }
        fill = []
        b.parent = []
        // Adopted children were made before their parent: keep each list in time order.
        let firstRows = b.firstRow
        func first(_ c: Int32) -> UInt32 { firstRows[Int(c)] }
        for p in 0..<n where start[p + 1] - start[p] > 1 {
            let range = Int(start[p])..<Int(start[p + 1])
            if !kids[range].isSorted(by: { first($0) < first($1) }) {
                kids[range].sort { first($0) < first($1) }
            }
        }
        rootList.sort { first($0) < first($1) }
        // Depth first: `order[new] = old`. Mostly the order calls began in, so the copies below stream.
        var order: [Int32] = []
        order.reserveCapacity(n)
        var newParent: [Int32] = []
        newParent.reserveCapacity(n)
        var stack: [(old: Int32, parent: Int32)] = rootList.reversed().map { ($0, -1) }
        while let (old, p) = stack.popLast() {
            let new = Int32(order.count)
            order.append(old)
            newParent.append(p)
            for k in stride(from: Int(start[Int(old) + 1]) - 1, through: Int(start[Int(old)]), by: -1) {
                stack.append((kids[k], new))
            }
        }
        kids = []
        start = []
        // Subtree sizes, children before parents, then ends.
        var end = [Int32](repeating: 1, count: n)
        for v in stride(from: n - 1, through: 0, by: -1) where newParent[v] >= 0 { end[Int(newParent[v])] += end[v] }
        for v in 0..<n { end[v] += Int32(v) }
        func gather<T>(_ column: inout [T]) -> [T] {
            let old = column
            column = []
            return order.map { old[Int($0)] }
        }
        function = gather(&b.function)
        total = gather(&b.total)
        firstRow = gather(&b.firstRow)
        lastRow = gather(&b.lastRow)
        let mask = (UInt32(1) << Self.taskBits) - 1
        let tasks = b.task, flagColumn = b.flags
        b.task = []
        b.flags = []
        taskAndFlags = order.map { old in
            min(tasks[Int(old)], mask) | UInt32(flagColumn[Int(old)].rawValue) << Self.taskBits
        }
        parent = newParent
        subtreeEnd = end
        var rootIDs: [Int32] = []
        rootIDs.reserveCapacity(rootList.count)
        for v in 0..<n where newParent[v] < 0 { rootIDs.append(Int32(v)) }
        roots = rootIDs
        rootCPU = rootList.map { b.laneCPU[Int(b.laneOfCall[Int($0)])] }
        // Calls left open: their time is at least that of what ran inside them (children have higher ids).
        for c in stride(from: n - 1, through: 0, by: -1)
        where taskAndFlags[c] >> Self.taskBits & UInt32(Flags.unfinished.rawValue) != 0 {
            let sum = children(of: c).reduce(Int64(0)) { $0 + total[Int($1)] }
            total[c] = max(total[c], sum)
        }
    }
}

extension MutableCollection where Self: RandomAccessCollection {
    fileprivate func isSorted(by less: (Element, Element) -> Bool) -> Bool {
        var i = startIndex
        guard i != endIndex else { return true }
        var j = index(after: i)
        while j != endIndex {
            if less(self[j], self[i]) { return false }
            i = j
            j = index(after: j)
        }
        return true
    }
}
