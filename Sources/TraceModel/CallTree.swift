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

    /// Calls in depth-first order, CPU after CPU: each root followed by everything that ran inside it,
    /// a call's children in time order. A call's descendants are `n + 1 ..< subtreeEnd[n]`: 32 bytes a call.
    public private(set) var function: [UInt32] = []
    public private(set) var total: [Int64] = []
    public private(set) var firstRow: [UInt32] = []
    public private(set) var lastRow: [UInt32] = []
    public private(set) var parent: [Int32] = []
    public private(set) var subtreeEnd: [Int32] = []
    /// The task id in the low bits, the flags above (see `Columns`).
    private var taskAndFlags: [UInt32] = []
    /// Calls that no other call made, in the order they began (across CPUs).
    public private(set) var roots: [Int32] = []
    /// The first call of each lane (a CPU, or a thread when the trace names no CPU), and its CPU.
    private var laneStart: [Int32] = []
    private var laneCPU: [UInt16] = []
    public private(set) var functionNames: [String] = []
    public private(set) var taskNames: [String] = []

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
        public subscript(node: Int) -> UInt32 { packed[node] & Columns.taskMask }
    }

    /// `flags[n]`: what the trace did not show of call `n`, and whether it ran in an interrupt.
    public var flags: FlagColumn { FlagColumn(packed: taskAndFlags) }

    public struct FlagColumn: RandomAccessCollection, Sendable {
        let packed: [UInt32]
        public var startIndex: Int { 0 }
        public var endIndex: Int { packed.count }
        public subscript(node: Int) -> Flags { Flags(rawValue: UInt8(truncatingIfNeeded: packed[node] >> Columns.taskBits)) }
    }

    /// `cpu[n]`: the CPU call `n` ran on (0xFFFF when the trace names threads instead).
    public var cpu: CPUs { CPUs(laneStart: laneStart, laneCPU: laneCPU) }

    public struct CPUs: Sendable {
        let laneStart: [Int32]
        let laneCPU: [UInt16]

        public subscript(node: Int) -> UInt16 {
            // The last lane that starts at or before the call.
            var lo = 0, hi = laneStart.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(laneStart[mid]) <= node { lo = mid + 1 } else { hi = mid }
            }
            return laneCPU[max(0, lo - 1)]
        }
    }

    /// Total minus the children's totals: time spent in the function's own code.
    public func selfTime(_ node: Int) -> Int64 {
        var t = total[node]
        // Durations are never negative: the difference cannot overflow, and once at 0 it stays there.
        for c in children(of: node) where t > 0 { t = max(0, t - total[Int(c)]) }
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

    /// The call that began at store row `row` with this function name (a live tree's calls, found again in
    /// the next tree). Each lane lists its calls in the order they began, so each is searched by halves.
    public func node(firstRow row: UInt32, named name: String) -> Int? {
        for l in laneStart.indices {
            var lo = Int(laneStart[l])
            var hi = l + 1 < laneStart.count ? Int(laneStart[l + 1]) : count
            while lo < hi {
                let mid = (lo + hi) / 2
                if firstRow[mid] < row { lo = mid + 1 } else { hi = mid }
            }
            let end = l + 1 < laneStart.count ? Int(laneStart[l + 1]) : count
            var n = lo
            while n < end, firstRow[n] == row {
                if functionNames[Int(function[n])] == name { return n }
                n += 1
            }
        }
        return nil
    }

    // MARK: - building

    /// Rebuilds the calls from the store's function_graph rows (funcgraph_entry / funcgraph_exit /
    /// funcgraph_irq / context-switch banners), in file order — all rows, or only those in `rows`
    /// (an A–B marker range: calls cut by its edges come out unfinished or started before).
    /// `hosts`: only the calls of these hosts (ids of `store.hostNames`; nil: every host).
    public init(store: EventStore, rows: Range<Int>? = nil, hosts: Set<UInt16>? = nil) {
        let range = rows.map { $0.clamped(to: 0..<store.count) } ?? 0..<store.count
        var b = CallTreeBuilder(expectedCalls: rows == nil ? CallTreeBuilder.expectedCalls(store) : 0)
        b.hosts = hosts
        if !range.isEmpty { b.consume(store: store, rows: range) }
        self = b.finish()
    }

    /// Joins the lanes' calls, CPU after CPU.
    /// Column by column, each freed from the lanes once joined: the peak is the calls plus one column.
    init(lanes: inout [(calls: Columns, cpu: UInt16)], functionNames: [String], taskNames: [String]) {
        self.functionNames = functionNames
        self.taskNames = taskNames
        lanes.removeAll { $0.calls.count == 0 }
        var offset: Int32 = 0
        for l in lanes.indices {
            lanes[l].calls.raiseUnfinishedTotals()
            laneStart.append(offset)
            laneCPU.append(lanes[l].cpu)
            offset += Int32(lanes[l].calls.count)
        }
        func join<T>(_ column: WritableKeyPath<Columns, [T]>, shift: ((T, Int32) -> T)? = nil) -> [T] {
            var out: [T] = []
            out.reserveCapacity(Int(offset))
            for l in lanes.indices {
                if let shift {
                    let start = laneStart[l]
                    out += lanes[l].calls[keyPath: column].lazy.map { shift($0, start) }
                } else {
                    out += lanes[l].calls[keyPath: column]
                }
                lanes[l].calls[keyPath: column] = []
            }
            return out
        }
        function = join(\.function)
        total = join(\.total)
        firstRow = join(\.firstRow)
        lastRow = join(\.lastRow)
        parent = join(\.parent) { $0 < 0 ? $0 : $0 + $1 }
        subtreeEnd = join(\.subtreeEnd) { $0 + $1 }
        taskAndFlags = join(\.taskAndFlags)
        lanes = []
        var rootIDs: [Int32] = []
        for n in 0..<parent.count where parent[n] < 0 { rootIDs.append(Int32(n)) }
        let first = firstRow
        rootIDs.sort { first[Int($0)] < first[Int($1)] }
        roots = rootIDs
    }
}
