/// The calls of a function_graph trace rebuilt from its lines: one node per call, nested per CPU,
/// stored in columns. Children of a node are `children[childStart[n]..<childStart[n+1]]`, in time order.
public struct CallTree: Sendable {
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

    public private(set) var function: [UInt32] = []
    public private(set) var parent: [Int32] = []
    public private(set) var total: [Int64] = []
    public private(set) var firstRow: [UInt32] = []
    public private(set) var lastRow: [UInt32] = []
    public private(set) var cpu: [UInt16] = []
    public private(set) var task: [UInt32] = []
    public private(set) var flags: [Flags] = []
    public private(set) var childStart: [Int32] = [0]
    public private(set) var children: [Int32] = []
    public private(set) var roots: [Int32] = []
    public private(set) var functionNames: [String] = []
    public private(set) var taskNames: [String] = []

    public var count: Int { function.count }

    /// Whether a store holds any function_graph lines worth building a tree from.
    public static func hasCalls(_ store: EventStore) -> Bool {
        let s = store.summary.byEvent
        return (s["funcgraph_entry"] ?? 0) + (s["funcgraph_exit"] ?? 0) > 0
    }

    public func name(_ node: Int) -> String { functionNames[Int(function[node])] }

    public func children(of node: Int) -> ArraySlice<Int32> {
        children[Int(childStart[node])..<Int(childStart[node + 1])]
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
        var b = Builder(store: store)
        let range = rows.map { $0.clamped(to: 0..<store.count) } ?? 0..<store.count
        if !range.isEmpty { b.run(&self, rows: range) }
        finish()
    }

    private mutating func finish() {
        // Children lists in CSR form, ordered by node id (= the order calls began).
        var counts = [Int32](repeating: 0, count: count + 1)
        for p in parent where p >= 0 { counts[Int(p) + 1] += 1 }
        for i in 0..<count { counts[i + 1] += counts[i] }
        childStart = counts
        var fill = counts
        children = [Int32](repeating: 0, count: Int(counts[count]))
        roots = []
        for n in 0..<count {
            let p = Int(parent[n])
            if p < 0 {
                roots.append(Int32(n))
            } else {
                children[Int(fill[p])] = Int32(n)
                fill[p] += 1
            }
        }
        // Adopted children were created before their parent: keep each list in time order.
        for n in 0..<count where counts[n + 1] - counts[n] > 1 {
            let range = Int(counts[n])..<Int(counts[n + 1])
            let sorted = children[range].sorted { firstRow[Int($0)] < firstRow[Int($1)] }
            children.replaceSubrange(range, with: sorted)
        }
        roots.sort { firstRow[Int($0)] < firstRow[Int($1)] }
        // Calls left open: their time is at least that of what ran inside them (deepest first).
        for n in stride(from: count - 1, through: 0, by: -1) where flags[n].contains(.unfinished) {
            let sum = children(of: n).reduce(Int64(0)) { $0 + total[Int($1)] }
            total[n] = max(total[n], sum)
        }
    }

    fileprivate mutating func addNode(function f: UInt32, parent p: Int32, row: Int, cpu c: UInt16, task t: UInt32,
                                      flags fl: Flags) -> Int32 {
        function.append(f)
        parent.append(p)
        total.append(0)
        firstRow.append(UInt32(truncatingIfNeeded: row))
        lastRow.append(UInt32(truncatingIfNeeded: row))
        cpu.append(c)
        task.append(t)
        flags.append(fl)
        return Int32(count - 1)
    }

    /// Per-CPU state while the lines stream by.
    private struct Builder {
        let store: EventStore
        var names = ByteInterner()
        var taskIDs: [String: UInt32] = [:]
        /// One call stack per CPU, or per thread when lines carry no CPU (uftrace).
        var lanes: [CPUState] = []
        var laneOfCPU: [Int] = []
        var laneOfThread: [UInt32: Int] = [:]
        let entryID: Int, exitID: Int, irqID: Int, switchID: Int
        let perThread: Bool

        struct CPUState {
            var stack: [Int32] = []
            /// Top-level calls since the stack was last empty, with their indentation: a `}` with no
            /// opening line adopts the ones indented deeper than itself.
            var looseRoots: [(node: Int32, indent: Int)] = []
            var irqDepth = 0
            var task: UInt32?
            /// Calls seen before the CPU's first task-switch banner: they belong to the task it switches from.
            var beforeFirstSwitch: [Int32] = []
        }

        init(store: EventStore) {
            self.store = store
            func id(_ name: String) -> Int { store.eventNames.firstIndex(of: name) ?? -1 }
            entryID = id("funcgraph_entry")
            exitID = id("funcgraph_exit")
            irqID = id("funcgraph_irq")
            switchID = id("context_switch")
            perThread = store.summary.header.callsPerThread
        }

        mutating func run(_ tree: inout CallTree, rows: Range<Int>) {
            for row in rows {
                let (chunk, i) = store.locate(row)
                let event = Int(chunk.events[i])
                guard event == entryID || event == exitID || event == irqID || event == switchID else { continue }
                let cpu = chunk.cpus[i]
                let c = lane(cpu: cpu, thread: chunk.tasks[i])
                let raw = chunk.line(i)
                guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { continue }
                let line = LineBytes(base, raw.count)
                let payload = min(Int(chunk.payloadOffsets[i]), raw.count)
                if event == switchID {
                    switchTask(line, from: payload, lane: c, tree: &tree)
                    continue
                }
                let taskID = taskOf(chunk.tasks[i], lane: c)
                let g = GraphLine.parse(line, from: payload)
                add(g, line: line, row: row, lane: c, cpu: cpu, task: taskID, tree: &tree)
            }
            for l in lanes.indices {
                for n in lanes[l].stack { tree.flags[Int(n)].insert(.unfinished) }
            }
            tree.functionNames = (0..<names.count).map { names.string(of: UInt32($0)) }
            tree.taskNames = Array(repeating: "", count: taskIDs.count)
            for (name, id) in taskIDs { tree.taskNames[Int(id)] = name }
        }

        mutating func lane(cpu: UInt16, thread: UInt32) -> Int {
            if cpu == 0xFFFF || perThread {
                if let l = laneOfThread[thread] { return l }
                lanes.append(CPUState())
                laneOfThread[thread] = lanes.count - 1
                return lanes.count - 1
            }
            let c = Int(cpu)
            if c >= laneOfCPU.count { laneOfCPU += Array(repeating: -1, count: c + 1 - laneOfCPU.count) }
            if laneOfCPU[c] < 0 {
                lanes.append(CPUState())
                laneOfCPU[c] = lanes.count - 1
            }
            return laneOfCPU[c]
        }

        mutating func add(_ g: GraphLine, line: LineBytes, row: Int, lane c: Int, cpu: UInt16, task: UInt32,
                          tree: inout CallTree) {
            // Moved out and back rather than copied: a copy would make every append below copy the
            // lane's arrays (quadratic on long traces).
            var state = CPUState()
            swap(&state, &lanes[c])
            defer { swap(&state, &lanes[c]) }
            let irq: Flags = state.irqDepth > 0 ? .irq : []
            switch g.kind {
            case .irqEnter: state.irqDepth += 1
            case .irqExit: state.irqDepth = max(0, state.irqDepth - 1)
            case .entry, .leaf:
                let f = names.intern(line.p + g.nameStart, g.nameEnd - g.nameStart)
                let parent = state.stack.last ?? -1
                let n = tree.addNode(function: f, parent: parent, row: row, cpu: cpu, task: task, flags: irq)
                if state.task == nil, task == unknownTask { state.beforeFirstSwitch.append(n) }
                if parent < 0 { state.looseRoots.append((n, g.indent)) }
                if g.kind == .entry {
                    state.stack.append(n)
                } else {
                    tree.total[Int(n)] = g.duration ?? 0
                }
            case .exit:
                if let n = state.stack.popLast() {
                    tree.total[Int(n)] = g.duration ?? 0
                    tree.lastRow[Int(n)] = UInt32(truncatingIfNeeded: row)
                    break
                }
                // The trace began inside this call: make it, and adopt what ran inside it.
                let f = g.nameEnd > g.nameStart
                    ? names.intern(line.p + g.nameStart, g.nameEnd - g.nameStart)
                    : names.intern("(unknown)")
                let n = tree.addNode(function: f, parent: -1, row: row, cpu: cpu, task: task,
                                     flags: irq.union(.startedBefore))
                if state.task == nil, task == unknownTask { state.beforeFirstSwitch.append(n) }
                tree.total[Int(n)] = g.duration ?? 0
                while let last = state.looseRoots.last, last.indent > g.indent {
                    tree.parent[Int(last.node)] = n
                    tree.firstRow[Int(n)] = tree.firstRow[Int(last.node)]
                    state.looseRoots.removeLast()
                }
                state.looseRoots.append((n, g.indent))
            case .comment, .other:
                break
            }
        }

        var unknownTask: UInt32 = .max

        mutating func taskOf(_ storeTask: UInt32, lane c: Int) -> UInt32 {
            if store.taskPIDs[Int(storeTask)] >= 0 { return intern(task: store.taskLabel(storeTask)) }
            if let t = lanes[c].task { return t }
            if unknownTask == .max { unknownTask = intern(task: "-") }
            return unknownTask
        }

        mutating func intern(task label: String) -> UInt32 {
            if let id = taskIDs[label] { return id }
            let id = UInt32(taskIDs.count)
            taskIDs[label] = id
            return id
        }

        /// ` 0)  platfor-3210  =>  vmstat-2854` — later calls on this CPU belong to the task on the right,
        /// and calls before the CPU's first banner to the one on the left.
        mutating func switchTask(_ line: LineBytes, from start: Int, lane c: Int, tree: inout CallTree) {
            var k = start
            while k + 2 < line.count {
                if line[k] == Byte.equals, line[k + 1] == Byte.greater, Byte.isSpace(line[k + 2]) {
                    let s = line.skipSpaces(from: k + 2)
                    let e = line.trimmedEnd(line.count)
                    let leftEnd = line.trimmedEnd(k)
                    let leftStart = line.skipSpaces(from: start)
                    guard s < e else { return }
                    if lanes[c].task == nil, leftStart < leftEnd {
                        let from = intern(task: String(decoding: UnsafeBufferPointer(start: line.p + leftStart,
                                                                                     count: leftEnd - leftStart),
                                                       as: UTF8.self))
                        for n in lanes[c].beforeFirstSwitch { tree.task[Int(n)] = from }
                    }
                    lanes[c].beforeFirstSwitch = []
                    let label = String(decoding: UnsafeBufferPointer(start: line.p + s, count: e - s), as: UTF8.self)
                    lanes[c].task = intern(task: label)
                    return
                }
                k += 1
            }
        }
    }
}
