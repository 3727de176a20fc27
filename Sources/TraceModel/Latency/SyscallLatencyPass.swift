/// Syscall durations per syscall and per thread, as `perf trace -s` counts them (builtin-trace.c,
/// thread__update_stats): every exit is a call, lasting from the same thread's pending entry of the same syscall
/// (zero without one); a negative return is an error. From `sys_enter_X` / `sys_exit_X` pairs
/// (any system prefix) or `raw_syscalls` `sys_enter` / `sys_exit` (`NR n`, named from the x86_64 table).
struct SyscallLatencyPass {
    struct Pending {
        var syscall: Int32 = -1
        var start: Int64 = 0
        var row = 0
    }

    struct Counted {
        var duration: LatencyAccumulator
        var errors = 0
    }

    var store: EventStore
    var kinds: [LatencyEventKind]
    let keep: Int
    /// Added to the store's row numbers (rows evicted before this pass saw the store).
    var rowBase = 0
    /// Syscall index of each event id (`sys_enter_X` / `sys_exit_X`), -1 for others.
    var indexOfEvent: [Int32]
    var names: [String] = []
    var indexOfName: [String: Int32] = [:]
    var indexOfNR: [Int64: Int32] = [:]
    var indexOfSmallNR: [Int32] = []
    var slots = TaskSlots()
    var pending: [Pending] = []
    /// The store's task id last seen for each thread slot (its comm).
    var taskOfSlot: [UInt32] = []
    /// The slot of each store task id seen (-1: none yet).
    var slotOfTask: [Int32] = []
    /// The `taskCounted` entry of the last exit's thread and syscall (a thread's calls mostly repeat).
    var lastSlot = -1
    var lastSyscall = -1
    var lastCounted = 0
    /// Index into `taskCounted` by slot, then syscall (-1: none yet): two array reads a call where a dictionary
    /// hashed every exit.
    var taskIndex: [[Int32]] = []
    /// The slot and syscall of each `taskCounted` entry.
    var taskKeys: [(slot: Int, syscall: Int)] = []
    var taskCounted: [Counted] = []
    var unmatchedExits = 0

    init(store: EventStore, kinds: [LatencyEventKind], syscallOf: [String?], keep: Int) {
        self.store = store
        self.kinds = kinds
        self.keep = keep
        indexOfEvent = []
        name(syscallOf)
    }

    private mutating func name(_ syscallOf: [String?]) {
        for id in indexOfEvent.count..<syscallOf.count {
            indexOfEvent.append(syscallOf[id].map { index(of: $0) } ?? -1)
        }
    }

    /// A later snapshot of the store, before `run` reads its new rows.
    mutating func update(store newStore: EventStore, kinds newKinds: [LatencyEventKind], syscallOf: [String?]) {
        store = newStore
        kinds = newKinds
        name(syscallOf)
    }

    private mutating func index(of name: String) -> Int32 {
        if let k = indexOfName[name] { return k }
        let k = Int32(names.count)
        names.append(name)
        indexOfName[name] = k
        return k
    }

    @inline(__always)
    private mutating func index(ofNR nr: Int64) -> Int32 {
        // Numbers are small: an array read per call where a dictionary hashed every event.
        if nr >= 0, nr < Int64(indexOfSmallNR.count), indexOfSmallNR[Int(nr)] >= 0 { return indexOfSmallNR[Int(nr)] }
        if let k = indexOfNR[nr] { return k }
        let k = index(of: SyscallTable.name(Int(nr)))
        indexOfNR[nr] = k
        if nr >= 0, nr < 4096 {
            if Int(nr) >= indexOfSmallNR.count {
                indexOfSmallNR += [Int32](repeating: -1, count: Int(nr) + 1 - indexOfSmallNR.count)
            }
            indexOfSmallNR[Int(nr)] = k
        }
        return k
    }


    mutating func run(_ scope: LatencyScope) {
        guard kinds.contains(where: { $0 == .sysExit || $0 == .rawSysExit }) else { return }
        let wanted = LatencyEventKind.mask(kinds, [.sysEnter, .sysExit, .rawSysEnter, .rawSysExit])
        let base = rowBase
        guard scope.selection == nil else {
            store.forEachRow(in: scope, wanted: wanted) { c, i, storeRow in visit(c, i, base + storeRow, typed: nil) }
            return
        }
        // Whole chunks (the live view's new rows): the typed columns read through buffers, a row at a time.
        store.forEachChunk(in: scope) { c, range, start in
            guard c.hasLatencyValues else {
                for i in range where wanted[Int(c.events[i])] {
                    if let w = scope.time, !w.contains(c.timestamps[i]) { continue }
                    visit(c, i, base + start + i, typed: nil)
                }
                return
            }
            // One byte an event id says what the row is to this pass, so the loop reads no enum pair.
            let code = kinds.map { k -> UInt8 in
                switch k {
                case .rawSysEnter: 1
                case .rawSysExit: 2
                case .sysEnter: 3
                case .sysExit: 4
                default: 0
                }
            }
            let syscallKind = TypedFields.Kind.syscall.rawValue, retKind = TypedFields.Kind.ret.rawValue
            let window = scope.time
            code.withUnsafeBufferPointer { code in
                c.events.withUnsafeBufferPointer { events in
                    c.timestamps.withUnsafeBufferPointer { ts in
                        c.tasks.withUnsafeBufferPointer { tasks in
                            c.forEachLatencyBlock(in: range) { first, n, vk, v0, v1 in
                                for j in 0..<n {
                                    let i = first + j
                                    let event = Int(events[i])
                                    let what = event < code.count ? code[event] : 0
                                    guard what != 0 else { continue }
                                    if let window, !window.contains(ts[i]) { continue }
                                    let row = base + start + i
                                    switch what {
                                    case 1 where vk[j] == syscallKind:
                                        enter(task: tasks[i], ts[i], row, syscall: index(ofNR: v0[j]))
                                    case 2 where vk[j] == syscallKind:
                                        exit(task: tasks[i], ts[i], row, syscall: index(ofNR: v0[j]), failed: v1[j] < 0)
                                    case 3:
                                        enter(task: tasks[i], ts[i], row, syscall: indexOfEvent[event])
                                    case 4 where vk[j] == retKind:
                                        exit(task: tasks[i], ts[i], row, syscall: indexOfEvent[event], failed: v1[j] < 0)
                                    default:
                                        visit(c, i, row, typed: nil)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One row read from its text (replay, or a live row without typed values).
    private mutating func visit(_ c: EventChunk, _ i: Int, _ row: Int, typed: TypedColumn?) {
        let event = Int(c.events[i])
        let task = c.tasks[i], ts = c.timestamps[i]
        switch kinds[event] {
        case .sysEnter: enter(task: task, ts, row, syscall: indexOfEvent[event])
        case .sysExit:
            exit(task: task, ts, row, syscall: indexOfEvent[event],
                 failed: (PayloadScan(c.payload(i)).syscallReturn() ?? 0) < 0)
        case .rawSysEnter:
            if let nr = Self.number(PayloadScan(c.payload(i))) { enter(task: task, ts, row, syscall: index(ofNR: nr)) }
        case .rawSysExit:
            let scan = PayloadScan(c.payload(i))
            if let nr = Self.number(scan) {
                exit(task: task, ts, row, syscall: index(ofNR: nr), failed: (scan.syscallReturn() ?? 0) < 0)
            }
        default: break
        }
    }

    /// A raw_syscalls event's syscall number: `NR n` as the kernel prints it, `id=n` as its fields read
    /// (tracetui's live capture and trace.dat decoder, `trace-cmd report -R`).
    @inline(__always)
    static func number(_ scan: PayloadScan) -> Int64? { scan.int("NR ") ?? scan.int("id=") }

    var notes: [String] {
        if !kinds.contains(where: { $0 == .sysExit || $0 == .rawSysExit }) {
            return ["syscalls: the trace has no sys_exit events"]
        }
        guard unmatchedExits > 0 else { return [] }
        return ["syscalls: \(unmatchedExits) exits without their entry (begun before the trace) counted as "
                + "zero-length calls, as perf trace -s counts them"]
    }

    @inline(__always)
    private mutating func slot(_ task: UInt32) -> Int {
        // The store's task ids are dense and each is one pid: the slot is remembered by id, not looked up by pid.
        let t = Int(task)
        if t < slotOfTask.count, slotOfTask[t] >= 0 {
            let s = Int(slotOfTask[t])
            if taskOfSlot[s] != task { taskOfSlot[s] = task }
            return s
        }
        var isNew = false
        let s = slots.slot(store.taskPIDs[t], isNew: &isNew)
        if t >= slotOfTask.count { slotOfTask += [Int32](repeating: -1, count: t + 1 - slotOfTask.count) }
        slotOfTask[t] = Int32(s)
        if isNew {
            pending.append(Pending())
            taskOfSlot.append(task)
        } else {
            taskOfSlot[s] = task
        }
        return s
    }

    @inline(__always)
    private mutating func enter(task: UInt32, _ ts: Int64, _ row: Int, syscall: Int32) {
        let s = slot(task)
        pending[s] = Pending(syscall: syscall, start: ts, row: row)
    }

    @inline(__always)
    private mutating func exit(task: UInt32, _ ts: Int64, _ row: Int, syscall: Int32, failed: Bool) {
        let s = slot(task)
        let p = pending[s]
        pending[s].syscall = -1
        // As `perf trace -s`: every exit is a call; one without its entry (begun before the trace, or execve,
        // whose entry precedes the recording) lasts zero.
        var start = ts, startRow = row
        if p.syscall == syscall, ts >= p.start {
            start = p.start
            startRow = p.row
        } else {
            unmatchedExits += 1
        }
        let k = Int(syscall)
        let pid = slots.pids[s]
        // The syscall's own row is made from its tasks' when reported (one accumulator a call, not two).
        if s == lastSlot, k == lastSyscall {
            taskCounted[lastCounted].duration.add(ts - start, start: start, startRow: startRow, endRow: row, pid: pid)
            if failed { taskCounted[lastCounted].errors += 1 }
            return
        }
        if s >= taskIndex.count { taskIndex += [[Int32]](repeating: [], count: s + 1 - taskIndex.count) }
        if k >= taskIndex[s].count { taskIndex[s] += [Int32](repeating: -1, count: k + 1 - taskIndex[s].count) }
        var t = Int(taskIndex[s][k])
        if t < 0 {
            t = taskCounted.count
            taskIndex[s][k] = Int32(t)
            taskKeys.append((s, k))
            taskCounted.append(Counted(duration: LatencyAccumulator(keep: keep)))
        }
        taskCounted[t].duration.add(ts - start, start: start, startRow: startRow, endRow: row, pid: pid)
        if failed { taskCounted[t].errors += 1 }
        lastSlot = s
        lastSyscall = k
        lastCounted = t
    }

    /// Every syscall called, most total time first.
    func rows() -> [SyscallLatencyRow] {
        var parts = [[Int]](repeating: [], count: names.count)
        for (t, key) in taskKeys.enumerated() { parts[key.syscall].append(t) }
        var out: [SyscallLatencyRow] = []
        for (k, tasks) in parts.enumerated() where !tasks.isEmpty {
            let counted = tasks.map { taskCounted[$0] }
            let all = LatencyAccumulator.union(counted.map(\.duration))
            guard all.count > 0 else { continue }
            out.append(SyscallLatencyRow(name: names[k], errors: counted.reduce(0) { $0 + $1.errors }, duration: all.finish()))
        }
        return Self.sorted(out)
    }

    static func sorted(_ rows: [SyscallLatencyRow]) -> [SyscallLatencyRow] {
        rows.sorted { ($0.duration.total, $1.name) > ($1.duration.total, $0.name) }
    }

    /// Per thread (or per comm), each with its syscalls; the busiest task first.
    func taskRows(_ grouping: LatencyGrouping) -> [SyscallTaskRow] {
        var groupOf: [String: Int] = [:]
        var groups: [(comm: String, pids: Set<Int32>, calls: [Int: Counted])] = []
        for (index, key) in taskKeys.enumerated() {
            let counted = taskCounted[index]
            let s = key.slot
            let k = key.syscall
            let comm = store.taskNames[Int(taskOfSlot[s])]
            let label = grouping == .comm ? comm : "\(slots.pids[s])"
            let g: Int
            if let found = groupOf[label] {
                g = found
            } else {
                g = groups.count
                groupOf[label] = g
                groups.append((comm, [], [:]))
            }
            groups[g].pids.insert(slots.pids[s])
            if var existing = groups[g].calls[k] {
                existing.duration.merge(counted.duration)
                existing.errors += counted.errors
                groups[g].calls[k] = existing
            } else {
                groups[g].calls[k] = counted
            }
        }
        let rows = groups.map { g in
            SyscallTaskRow(comm: g.comm, pids: g.pids.sorted(), syscalls: Self.sorted(g.calls.map { k, c in
                SyscallLatencyRow(name: names[k], errors: c.errors, duration: c.duration.finish())
            }))
        }
        return rows.sorted {
            let a = $0.syscalls.reduce(0) { $0 + $1.calls }, b = $1.syscalls.reduce(0) { $0 + $1.calls }
            return (a, $1.comm, $1.pids.first ?? 0) > (b, $0.comm, $0.pids.first ?? 0)
        }
    }
}
