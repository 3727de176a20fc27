/// Rebuilds the calls of a function_graph trace from its lines as they arrive, piece after piece in file
/// order: one call stack per CPU (or per thread when lines carry no CPU, as uftrace's), orphans and
/// unfinished calls kept and marked. `finish()` lays the calls out as a `CallTree`.
public struct CallTreeBuilder: Sendable {
    // The calls in the order they began (an orphan `}` makes its call when it is seen), in columns
    // that the layout can free one by one as it copies them.
    var function: [UInt32] = []
    var parent: [Int32] = []
    var total: [Int64] = []
    var firstRow: [UInt32] = []
    var lastRow: [UInt32] = []
    var task: [UInt32] = []
    var flags: [CallTree.Flags] = []
    var laneOfCall: [UInt16] = []

    var names = ByteInterner()
    var taskIDs: [String: UInt32] = [:]
    /// Store task id → tree task id (`.max`: not looked up yet).
    var taskOfStoreTask: [UInt32] = []
    var unknownTask: UInt32 = .max
    var lanes: [Lane] = []
    var laneCPU: [UInt16] = []
    var laneOfCPU: [Int] = []
    var laneOfThread: [UInt32: Int] = [:]

    struct Lane {
        var stack: [Int32] = []
        /// Top-level calls since the stack was last empty, with their indentation: a `}` with no
        /// opening line adopts the ones indented deeper than itself.
        var looseRoots: [(node: Int32, indent: Int)] = []
        var irqDepth = 0
        var task: UInt32?
        /// Calls seen before the CPU's first task-switch banner: they belong to the task it switches from.
        var beforeFirstSwitch: [Int32] = []
    }

    /// `expectedCalls` reserves room up front: grown by doubling, the columns would briefly need twice it.
    public init(expectedCalls: Int = 0) {
        function.reserveCapacity(expectedCalls)
        parent.reserveCapacity(expectedCalls)
        total.reserveCapacity(expectedCalls)
        firstRow.reserveCapacity(expectedCalls)
        lastRow.reserveCapacity(expectedCalls)
        task.reserveCapacity(expectedCalls)
        flags.reserveCapacity(expectedCalls)
        laneOfCall.reserveCapacity(expectedCalls)
    }

    /// Calls found so far.
    public var count: Int { function.count }

    /// Calls that a store's summary says are coming: one per entry or leaf line, plus orphans (few).
    public static func expectedCalls(_ store: EventStore) -> Int {
        store.summary.byEvent["funcgraph_entry"] ?? 0
    }

    /// Takes the function_graph lines of the piece just appended to `store`, whose rows are its last chunk.
    public mutating func consumeLastPiece(_ ops: GraphOps, of store: EventStore) {
        guard !ops.isEmpty, let chunk = store.chunks.last else { return }
        consume(ops, chunk: chunk, firstRow: store.count - chunk.count, store: store)
    }

    /// Reads the function_graph rows of `store` within `rows` (an A–B marker range: calls cut by its edges
    /// come out unfinished or started before).
    mutating func consume(store: EventStore, rows: Range<Int>) {
        func id(_ name: String) -> Int { store.eventNames.firstIndex(of: name) ?? -1 }
        let graphEvents = Set([id("funcgraph_entry"), id("funcgraph_exit"), id("funcgraph_irq")].filter { $0 >= 0 })
        let switchEvent = id("context_switch")
        guard !graphEvents.isEmpty else { return }
        var chunkFirst = 0
        for chunk in store.chunks {
            defer { chunkFirst += chunk.count }
            let lo = max(rows.lowerBound, chunkFirst) - chunkFirst
            let hi = min(rows.upperBound, chunkFirst + chunk.count) - chunkFirst
            guard lo < hi else { continue }
            var ops = GraphOps()
            for i in lo..<hi {
                let event = Int(chunk.events[i])
                guard graphEvents.contains(event) || event == switchEvent else { continue }
                let raw = chunk.line(i)
                guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { continue }
                let line = LineBytes(base, raw.count)
                let payload = min(Int(chunk.payloadOffsets[i]), raw.count)
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
            let lane = lane(cpu: chunk.cpus[i], thread: storeTask)
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
        if cpu == 0xFFFF {
            if let l = laneOfThread[thread] { return l }
            laneOfThread[thread] = addLane(cpu: cpu)
            return lanes.count - 1
        }
        let c = Int(cpu)
        if c >= laneOfCPU.count { laneOfCPU += Array(repeating: -1, count: c + 1 - laneOfCPU.count) }
        if laneOfCPU[c] < 0 { laneOfCPU[c] = addLane(cpu: cpu) }
        return laneOfCPU[c]
    }

    private mutating func addLane(cpu: UInt16) -> Int {
        lanes.append(Lane())
        laneCPU.append(cpu)
        return lanes.count - 1
    }

    private mutating func addCall(function f: UInt32, parent p: Int32, row: Int, lane: Int, task t: UInt32,
                                  flags fl: CallTree.Flags) -> Int32 {
        function.append(f)
        parent.append(p)
        total.append(0)
        firstRow.append(UInt32(truncatingIfNeeded: row))
        lastRow.append(UInt32(truncatingIfNeeded: row))
        task.append(t)
        flags.append(fl)
        laneOfCall.append(UInt16(truncatingIfNeeded: lane))
        return Int32(count - 1)
    }

    private mutating func apply(_ op: GraphOps.Op, function f: UInt32, row: Int, lane c: Int, task: UInt32) {
        // Moved out and back rather than copied: a copy would make every append below copy the
        // lane's arrays (quadratic on long traces).
        var state = Lane()
        swap(&state, &lanes[c])
        defer { swap(&state, &lanes[c]) }
        let irq: CallTree.Flags = state.irqDepth > 0 ? .irq : []
        let duration = max(0, op.duration)
        let indent = Int(op.indent)
        switch op.kind {
        case .irqEnter: state.irqDepth += 1
        case .irqExit: state.irqDepth = max(0, state.irqDepth - 1)
        case .entry, .leaf:
            let parent = state.stack.last ?? -1
            let n = addCall(function: f == .max ? unknownFunction() : f, parent: parent, row: row, lane: c,
                            task: task, flags: irq)
            if state.task == nil, task == unknownTask { state.beforeFirstSwitch.append(n) }
            if parent < 0 { state.looseRoots.append((n, indent)) }
            if op.kind == .entry {
                state.stack.append(n)
            } else {
                total[Int(n)] = duration
            }
        case .exit:
            if let n = state.stack.popLast() {
                total[Int(n)] = duration
                lastRow[Int(n)] = UInt32(truncatingIfNeeded: row)
                break
            }
            // The trace began inside this call: make it, and adopt what ran inside it.
            let n = addCall(function: f == .max ? unknownFunction() : f, parent: -1, row: row, lane: c, task: task,
                            flags: irq.union(.startedBefore))
            if state.task == nil, task == unknownTask { state.beforeFirstSwitch.append(n) }
            total[Int(n)] = duration
            while let last = state.looseRoots.last, last.indent > indent {
                parent[Int(last.node)] = n
                firstRow[Int(n)] = firstRow[Int(last.node)]
                state.looseRoots.removeLast()
            }
            state.looseRoots.append((n, indent))
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
        if lanes[c].task == nil, let from {
            let id = intern(task: from)
            for n in lanes[c].beforeFirstSwitch { task[Int(n)] = id }
        }
        lanes[c].beforeFirstSwitch = []
        lanes[c].task = intern(task: to)
    }

    /// Lays the calls out as a tree; calls still open are marked unfinished.
    public consuming func finish() -> CallTree {
        for lane in lanes {
            for n in lane.stack { flags[Int(n)].insert(.unfinished) }
        }
        var taskNames = Array(repeating: "", count: taskIDs.count)
        for (name, id) in taskIDs { taskNames[Int(id)] = name }
        return CallTree(laidOut: self, functionNames: (0..<names.count).map { names.string(of: UInt32($0)) },
                        taskNames: taskNames)
    }
}
