/// Rebuilds the calls of a function_graph trace from its lines as they arrive, piece after piece in file
/// order: one call stack per CPU (or per thread when lines carry no CPU, as uftrace's), orphans and
/// unfinished calls kept and marked. `finish()` lays the calls out as a `CallTree`.
public struct CallTreeBuilder: Sendable {
    var names = ByteInterner()
    var taskIDs: [String: UInt32] = [:]
    /// Store task id → tree task id (`.max`: not looked up yet).
    var taskOfStoreTask: [UInt32] = []
    var unknownTask: UInt32 = .max
    var lanes: [Lane] = []
    var laneOfCPU: [Int] = []
    var laneOfThread: [UInt32: Int] = [:]
    /// Lanes of hosts other than the first, by host, cpu and thread (`lane(host:cpu:thread:)`).
    var laneOfHost: [UInt64: Int] = [:]
    /// Only these hosts' lines are read (a host scope); nil: all.
    var hosts: Set<UInt16>?
    /// Calls to make room for in each new lane.
    let expectedCallsPerLane: Int
    /// Calls nest per thread whatever the CPU (Chrome JSON: a thread's calls may move between CPUs).
    var perThread = false

    /// One CPU's (or thread's) calls in depth-first order: a call, then what ran inside it.
    struct Lane {
        /// Lanes are laid out by CPU, then thread.
        let key: (cpu: UInt16, thread: UInt32)
        var calls = CallTree.Columns()
        var stack: [Int32] = []
        /// Top-level calls since the stack was last empty, with their indentation: a `}` with no
        /// opening line adopts the ones indented deeper than itself.
        var looseRoots: [(node: Int32, indent: Int)] = []
        var irqDepth = 0
        var task: UInt32?
        /// A `}` with no opening line adopted too many calls to move it in front of them at once:
        /// the lane is laid out again when the tree is finished.
        var needsLayout = false

        init(cpu: UInt16, thread: UInt32) { key = (cpu, thread) }
    }

    /// `expectedCalls` reserves room up front: grown by doubling, the columns would briefly need twice it.
    public init(expectedCalls: Int = 0) {
        expectedCallsPerLane = expectedCalls
    }

    /// The calls of every function_graph row the store holds now, to go on from with `consumeLastPiece`
    /// (live: after the oldest rows were evicted, the rows the calls point at have moved).
    public init(store: EventStore) {
        self.init(expectedCalls: 0)
        consume(store: store, rows: 0..<store.count)
    }

    /// Calls found so far.
    public var count: Int { lanes.reduce(0) { $0 + $1.calls.count } }

    /// Calls that a store's summary says are coming: one per entry or leaf line, plus orphans (few).
    public static func expectedCalls(_ store: EventStore) -> Int {
        store.summary.byEvent["funcgraph_entry"] ?? 0
    }

    /// Takes the function_graph lines of the piece just appended to `store`, whose rows are its last chunk.
    public mutating func consumeLastPiece(_ ops: GraphOps, of store: EventStore) {
        guard !ops.isEmpty, let chunk = store.chunks.last else { return }
        perThread = store.summary.header.callsPerThread
        consume(ops, chunk: chunk, firstRow: store.count - chunk.count, store: store)
    }

    /// Takes the function_graph lines among `rows` of `store`, the rows last appended (several hosts' rows
    /// merged by time: their lines are read again, the pieces' ops no longer match the rows).
    public mutating func consume(rows: Range<Int>, of store: EventStore) {
        consume(store: store, rows: rows)
    }

    /// Reads the function_graph rows of `store` within `rows` (an A–B marker range: calls cut by its edges
    /// come out unfinished or started before).
    mutating func consume(store: EventStore, rows: Range<Int>) {
        func id(_ name: String) -> Int { store.eventNames.firstIndex(of: name) ?? -1 }
        let graphEvents = Set([id("funcgraph_entry"), id("funcgraph_exit"), id("funcgraph_irq")].filter { $0 >= 0 })
        let switchEvent = id("context_switch")
        guard !graphEvents.isEmpty else { return }
        perThread = store.summary.header.callsPerThread
        var chunkFirst = 0
        for chunk in store.chunks {
            defer { chunkFirst += chunk.count }
            let lo = max(rows.lowerBound, chunkFirst) - chunkFirst
            let hi = min(rows.upperBound, chunkFirst + chunk.count) - chunkFirst
            guard lo < hi else { continue }
            var ops = GraphOps()
            for i in lo..<hi {
                if let hosts, !hosts.contains(chunk.host(at: i)) { continue }
                let event = Int(chunk.events[i])
                guard graphEvents.contains(event) || event == switchEvent else { continue }
                let raw = chunk.line(i)
                guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { continue }
                let line = LineBytes(base, raw.count)
                let payload = min(chunk.payloadOffset(i), raw.count)
                if event == switchEvent {
                    ops.addTaskSwitch(line, payload: payload, row: i)
                } else {
                    ops.add(line, payload: payload, row: i)
                }
            }
            consume(ops, chunk: chunk, firstRow: chunkFirst, store: store)
        }
    }

    private mutating func consume(_ ops: GraphOps, chunk: EventChunk, firstRow base: Int, store: EventStore) {
        var nameMap = [UInt32](repeating: .max, count: ops.names.count)
        func name(_ local: UInt32) -> UInt32 {
            if nameMap[Int(local)] == .max {
                let bytes = ops.names.bytes(of: local)
                nameMap[Int(local)] = bytes.withUnsafeBufferPointer { b in
                    names.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count)
                }
            }
            return nameMap[Int(local)]
        }
        for op in ops.ops {
            let i = Int(op.row)
            let storeTask = chunk.tasks[i]
            let host = chunk.host(at: i)
            let lane = host == 0 ? lane(cpu: chunk.cpus[i], thread: storeTask)
                : lane(host: host, cpu: chunk.cpus[i], thread: storeTask)
            if op.kind == .taskSwitch {
                let from = op.duration >= 0 ? ops.names.string(of: UInt32(op.duration)) : nil
                switchTask(lane: lane, from: from, to: ops.names.string(of: op.name))
                continue
            }
            let f: UInt32 = op.name == GraphOps.noName ? .max : name(op.name)
            apply(op, function: f, row: base + i, lane: lane, task: taskOf(storeTask, lane: lane, store: store))
        }
    }

    mutating func lane(cpu: UInt16, thread: UInt32) -> Int {
        if cpu == 0xFFFF || perThread {
            if let l = laneOfThread[thread] { return l }
            laneOfThread[thread] = addLane(cpu: 0xFFFF, thread: thread)
            return lanes.count - 1
        }
        let c = Int(cpu)
        if c >= laneOfCPU.count { laneOfCPU += Array(repeating: -1, count: c + 1 - laneOfCPU.count) }
        if laneOfCPU[c] < 0 { laneOfCPU[c] = addLane(cpu: cpu, thread: 0) }
        return laneOfCPU[c]
    }

    /// Calls nest per CPU of each host: two hosts' cpu 0 are two lanes (host 0 uses the lanes above).
    mutating func lane(host: UInt16, cpu: UInt16, thread: UInt32) -> Int {
        let key = UInt64(host) << 48 | UInt64(cpu == 0xFFFF || perThread ? 0xFFFF : cpu) << 32
            | UInt64(cpu == 0xFFFF || perThread ? thread : 0)
        if let l = laneOfHost[key] { return l }
        let l = addLane(cpu: cpu == 0xFFFF || perThread ? 0xFFFF : cpu, thread: cpu == 0xFFFF || perThread ? thread : 0)
        laneOfHost[key] = l
        return l
    }

    private mutating func addLane(cpu: UInt16, thread: UInt32) -> Int {
        var lane = Lane(cpu: cpu, thread: thread)
        // Room for all the calls in each lane: pages never written cost no memory.
        lane.calls.reserve(expectedCallsPerLane)
        lanes.append(lane)
        return lanes.count - 1
    }

    private mutating func apply(_ op: GraphOps.Op, function f: UInt32, row: Int, lane c: Int, task: UInt32) {
        // Moved out and back rather than copied: a copy would make every append below copy the
        // lane's arrays (quadratic on long traces).
        var lane = Lane(cpu: 0, thread: 0)
        swap(&lane, &lanes[c])
        defer { swap(&lane, &lanes[c]) }
        let irq: CallTree.Flags = lane.irqDepth > 0 ? .irq : []
        let duration = max(0, op.duration)
        let indent = Int(op.indent)
        switch op.kind {
        case .irqEnter: lane.irqDepth += 1
        case .irqExit: lane.irqDepth = max(0, lane.irqDepth - 1)
        case .entry, .leaf:
            let parent = lane.stack.last ?? -1
            let n = lane.calls.append(function: f == .max ? unknownFunction() : f, parent: parent, row: row,
                                      task: task, flags: irq)
            if parent < 0 { lane.looseRoots.append((n, indent)) }
            if op.kind == .entry {
                lane.stack.append(n)
            } else {
                lane.calls.total[Int(n)] = duration
            }
        case .exit:
            if let n = lane.stack.popLast() {
                lane.calls.total[Int(n)] = duration
                lane.calls.lastRow[Int(n)] = UInt32(truncatingIfNeeded: row)
                lane.calls.subtreeEnd[Int(n)] = Int32(lane.calls.count)
                break
            }
            // The trace began inside this call: make it, and adopt what ran inside it — the top-level
            // calls indented deeper, which with everything inside them are the lane's last calls.
            var n = lane.calls.append(function: f == .max ? unknownFunction() : f, parent: -1, row: row,
                                      task: task, flags: irq.union(.startedBefore))
            lane.calls.total[Int(n)] = duration
            var adopted: [Int32] = []
            while let last = lane.looseRoots.last, last.indent > indent {
                adopted.append(last.node)
                lane.looseRoots.removeLast()
            }
            if let first = adopted.last, lane.calls.count - Int(first) > Self.largestMove || lane.needsLayout {
                for a in adopted { lane.calls.parent[Int(a)] = n }
                lane.calls.firstRow[Int(n)] = lane.calls.firstRow[Int(first)]
                lane.needsLayout = true
            } else if let first = adopted.last {
                // Moved in front of what it adopted, so the lane stays in depth-first order.
                lane.calls.moveLastCall(to: Int(first))
                for a in adopted { lane.calls.parent[Int(a) + 1] = first }
                lane.calls.firstRow[Int(first)] = lane.calls.firstRow[Int(first) + 1]
                n = first
            }
            lane.looseRoots.append((n, indent))
        case .taskSwitch:
            break
        }
    }

    private mutating func unknownFunction() -> UInt32 { names.intern("(unknown)") }

    private mutating func taskOf(_ storeTask: UInt32, lane c: Int, store: EventStore) -> UInt32 {
        let s = Int(storeTask)
        if s < taskOfStoreTask.count, taskOfStoreTask[s] != .max { return taskOfStoreTask[s] }
        guard store.taskPIDs[s] >= 0 else {
            if let t = lanes[c].task { return t }
            if unknownTask == .max { unknownTask = intern(task: "-") }
            return unknownTask
        }
        if s >= taskOfStoreTask.count {
            taskOfStoreTask += Array(repeating: .max, count: max(s + 1, store.taskPIDs.count) - taskOfStoreTask.count)
        }
        taskOfStoreTask[s] = intern(task: store.taskLabel(storeTask))
        return taskOfStoreTask[s]
    }

    private mutating func intern(task label: String) -> UInt32 {
        if let id = taskIDs[label] { return id }
        let id = UInt32(taskIDs.count)
        taskIDs[label] = id
        return id
    }

    /// ` 0)  platfor-3210  =>  vmstat-2854` — later calls on this CPU belong to the task on the right,
    /// and calls before the CPU's first banner to the one on the left.
    private mutating func switchTask(lane c: Int, from: String?, to: String) {
        // Before a CPU's first banner, its calls with no task of their own have the unknown task.
        if lanes[c].task == nil, let from, unknownTask != .max {
            let id = intern(task: from)
            for n in 0..<lanes[c].calls.count where lanes[c].calls.task(n) == unknownTask {
                lanes[c].calls.setTask(n, id)
            }
        }
        lanes[c].task = intern(task: to)
    }

    /// Calls moved at most when a `}` with no opening line adopts the calls before it: a trace that keeps
    /// adopting whole stretches (cut and pasted logs) would otherwise take quadratic time.
    static let largestMove = 1 << 16

    /// Lays the calls out as a tree; calls still open are marked unfinished.
    public consuming func finish() -> CallTree {
        for l in lanes.indices {
            let end = Int32(lanes[l].calls.count)
            for n in lanes[l].stack {
                lanes[l].calls.insert(.unfinished, Int(n))
                lanes[l].calls.subtreeEnd[Int(n)] = end
            }
        }
        var taskNames = Array(repeating: "", count: taskIDs.count)
        for (name, id) in taskIDs { taskNames[Int(id)] = name }
        lanes.sort { ($0.key.cpu, $0.key.thread) < ($1.key.cpu, $1.key.thread) }
        var joined: [(calls: CallTree.Columns, cpu: UInt16)] = []
        for l in lanes.indices {
            joined.append((CallTree.Columns(), lanes[l].key.cpu))
            swap(&joined[l].calls, &lanes[l].calls)
            if lanes[l].needsLayout { joined[l].calls = joined[l].calls.laidOutDepthFirst() }
        }
        lanes = []
        return CallTree(lanes: &joined, functionNames: (0..<names.count).map { names.string(of: UInt32($0)) },
                        taskNames: taskNames)
    }
}
