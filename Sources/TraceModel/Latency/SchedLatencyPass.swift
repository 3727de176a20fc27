/// Scheduling delay per thread by `perf sched latency`'s rules (tools/perf/builtin-sched.c, latency_*_event):
/// - `sched_switch` out in state `R` leaves the task waiting for a CPU from then; in any other state it sleeps.
/// - A wakeup (`sched_waking`, or `sched_wakeup` when the trace has no `sched_waking`; `sched_wakeup_new` always)
///   of a sleeping task starts its wait; a wakeup of a task not asleep, or stamped before its switch-out, is ignored.
/// - The `sched_switch` that runs a waiting task ends the wait: one delay ("switch"). A task first seen being
///   switched in counts a zero delay. Migrations do not move the wait (perf only uses them for one-CPU profiles).
/// - Run time is the sum of `sched_stat_runtime` (perf), or on-CPU intervals when the trace lacks that event.
/// - The idle task (pid 0) is left out, as perf leaves out `swapper`.
///
/// `SchedDelayRules.beforePerf64` counts as perf up to 6.3 did (before commit "perf sched: Fix sched latency
/// analysis incorrect"): `sched_waking` is not read at all, and a task switched out preempted (`prev_state=R+`,
/// the kernel's TASK_REPORT_MAX bit, which that perf indexed past its state letters) is taken as asleep.
struct SchedLatencyPass {
    enum State: UInt8 { case sleeping, waiting, running, ignored }

    enum CommField: UInt8 { case prev, next, wakee }

    struct Task {
        var state = State.sleeping
        var outTime: Int64 = 0
        var outState: UInt8 = 0
        var waitStart: Int64 = 0
        var waitRow = 0
        var onCPUSince: Int64 = -1
        var onCPU: Int64 = 0
        var statRuntime: Int64 = 0
        var sleep: Int64 = 0
        var blocked: Int64 = 0
        var runnable: Int64 = 0
        /// The store's task id whose name is this thread's latest comm (-1: only known from a payload).
        var commTask: Int64 = -1
        var commTaskRow = -1
        /// The latest row naming the thread in its payload (`prev_comm`, `next_comm`, a wakeup's `comm`), decoded
        /// only when the report is made; the later of this and the header's name is the thread's comm, as perf
        /// names a thread by its latest comm.
        var commPayloadRow = -1
        var commPayloadField = CommField.prev
        var delays: LatencyAccumulator
    }

    var store: EventStore
    var kinds: [LatencyEventKind]
    let keep: Int
    /// Added to the store's row numbers: rows the store evicted before this pass saw it (live capture).
    var rowBase = 0
    var slots = TaskSlots()
    var tasks: [Task] = []
    var sawStatRuntime = false
    var useWaking: Bool
    /// Task ids whose name is a placeholder (`<...>`, empty): never a thread's comm.
    var placeholderTask: [Bool]

    let rules: SchedDelayRules
    /// perf counts a task first seen being switched in as a zero delay; trace-cmd does not.
    let countsFirstSeen: Bool
    /// perf wakes with `sched_wakeup_new`; trace-cmd's profile only with `sched_wakeup`.
    let countsNewTasks: Bool

    init(store: EventStore, kinds: [LatencyEventKind], keep: Int, rules: SchedDelayRules = .current) {
        self.store = store
        self.kinds = kinds
        self.keep = keep
        self.rules = rules
        useWaking = rules == .current && kinds.contains(.schedWaking)
        countsFirstSeen = rules != .traceCmd
        countsNewTasks = rules != .traceCmd
        placeholderTask = []
        placeholderTask = Self.placeholders(store.taskNames, from: 0)
    }

    private static func placeholders(_ names: [String], from: Int) -> [Bool] {
        names[from...].map { $0.isEmpty || $0 == "<...>" || $0 == "<idle>" }
    }

    var notes: [String] { kinds.contains(.schedSwitch) ? [] : ["sched: the trace has no sched_switch events"] }

    /// A later snapshot of the store (more rows, events and tasks), before `run` reads its new rows.
    mutating func update(store newStore: EventStore, kinds newKinds: [LatencyEventKind]) {
        store = newStore
        kinds = newKinds
        useWaking = rules == .current && kinds.contains(.schedWaking)
        if placeholderTask.count < store.taskNames.count {
            placeholderTask += Self.placeholders(store.taskNames, from: placeholderTask.count)
        }
    }

    @inline(__always)
    private mutating func task(_ pid: Int32) -> Int {
        var isNew = false
        let s = slots.slot(pid, isNew: &isNew)
        if isNew { tasks.append(Task(delays: LatencyAccumulator(keep: keep))) }
        return s
    }

    /// perf's `add_sched_out_event(…, 'R', ts)` for a task first seen running or being switched in.
    @inline(__always)
    private mutating func firstSeenRunnable(_ s: Int, at ts: Int64, row: Int) {
        guard countsFirstSeen else {
            tasks[s].state = .ignored
            return
        }
        tasks[s].state = .waiting
        tasks[s].outTime = ts
        tasks[s].outState = UInt8(ascii: "R")
        tasks[s].waitStart = ts
        tasks[s].waitRow = row
    }

    @inline(__always)
    private mutating func noteComm(_ c: EventChunk, _ i: Int, row: Int, pid: Int32, slot s: Int) {
        let t = c.tasks[i]
        if !placeholderTask[Int(t)], store.taskPIDs[Int(t)] == pid {
            tasks[s].commTask = Int64(t)
            tasks[s].commTaskRow = row
        } else {
            tasks[s].commPayloadRow = row
            tasks[s].commPayloadField = .prev
        }
    }


    mutating func run(_ scope: LatencyScope) {
        guard kinds.contains(.schedSwitch) else { return }
        let wanted = LatencyEventKind.mask(kinds, [.schedSwitch, .schedWaking, .schedWakeup, .schedWakeupNew,
                                                   .schedStatRuntime])
        let base = rowBase
        store.forEachRow(in: scope, wanted: wanted) { c, i, storeRow in
            let row = base + storeRow
            let kind = kinds[Int(c.events[i])]
            switch kind {
            case .schedSwitch: onSwitch(c, i, row)
            case .schedWaking: if useWaking { onWakeup(c, i, row) }
            case .schedWakeupNew: if countsNewTasks { onWakeup(c, i, row) }
            case .schedWakeup: if !useWaking { onWakeup(c, i, row) }
            case .schedStatRuntime: onRuntime(c, i, row)
            default: break
            }
        }
    }

    private mutating func onSwitch(_ c: EventChunk, _ i: Int, _ row: Int) {
        if case let v = c.latencyValues(i), v.kind == TypedFields.Kind.schedSwitch.rawValue {
            let pids = UInt64(bitPattern: v.f0), state = v.f1
            onSwitch(c, i, row, SwitchValues(prevPID: Int32(truncatingIfNeeded: pids), nextPID: Int32(truncatingIfNeeded: pids >> 32),
                                             prevState: UInt8(truncatingIfNeeded: state), preempted: state & 0x100 != 0))
            return
        }
        guard let sw = SchedSwitchFields(PayloadScan(c.payload(i))) else { return }
        onSwitch(c, i, row, SwitchValues(prevPID: sw.prevPID, nextPID: sw.nextPID, prevState: sw.prevState,
                                         preempted: sw.preempted))
    }

    /// What a switch tells, from its typed values or its text.
    struct SwitchValues {
        var prevPID: Int32
        var nextPID: Int32
        var prevState: UInt8
        var preempted: Bool
    }

    private mutating func onSwitch(_ c: EventChunk, _ i: Int, _ row: Int, _ sw: SwitchValues) {
        let ts = c.timestamps[i]
        if sw.prevPID != 0 {
            let s = task(sw.prevPID)
            noteComm(c, i, row: row, pid: sw.prevPID, slot: s)
            if tasks[s].onCPUSince >= 0, ts >= tasks[s].onCPUSince { tasks[s].onCPU += ts - tasks[s].onCPUSince }
            tasks[s].onCPUSince = -1
            tasks[s].outTime = ts
            tasks[s].outState = sw.prevState
            if sw.prevState == UInt8(ascii: "R"), rules == .traceCmd {
                // trace-cmd times a preempted task's wait apart from wakeups (its `sched_switch:R` line).
                tasks[s].state = .ignored
            } else if sw.prevState == UInt8(ascii: "R"), rules == .current || !sw.preempted {
                tasks[s].state = .waiting
                tasks[s].waitStart = ts
                tasks[s].waitRow = row
            } else {
                tasks[s].state = .sleeping
            }
        }
        guard sw.nextPID != 0 else { return }
        var isNew = false
        let s = slots.slot(sw.nextPID, isNew: &isNew)
        if isNew {
            tasks.append(Task(delays: LatencyAccumulator(keep: keep)))
            firstSeenRunnable(s, at: ts, row: row)
        }
        tasks[s].commPayloadRow = row
        tasks[s].commPayloadField = .next
        tasks[s].onCPUSince = ts
        guard tasks[s].state == .waiting else { return }
        let start = tasks[s].waitStart
        guard ts >= start else {
            tasks[s].state = .ignored
            return
        }
        tasks[s].state = .running
        tasks[s].runnable += ts - start
        tasks[s].delays.add(ts - start, start: start, startRow: tasks[s].waitRow, endRow: row, pid: sw.nextPID)
    }

    private mutating func onWakeup(_ c: EventChunk, _ i: Int, _ row: Int) {
        let pid: Int32
        let named: Bool
        if case let v = c.latencyValues(i), v.kind == TypedFields.Kind.wakee.rawValue {
            pid = Int32(truncatingIfNeeded: v.f0)
            named = v.f1 != 0
        } else {
            guard let (p, comm) = SchedSwitchFields.wakee(PayloadScan(c.payload(i))) else { return }
            pid = p
            named = !comm.isEmpty
        }
        guard pid != 0 else { return }
        let ts = c.timestamps[i]
        var isNew = false
        let s = slots.slot(pid, isNew: &isNew)
        if isNew {
            tasks.append(Task(delays: LatencyAccumulator(keep: keep)))
            tasks[s].outTime = ts
            tasks[s].outState = UInt8(ascii: "S")
            // trace-cmd wakes only a task it saw go to sleep.
            if rules == .traceCmd { tasks[s].state = .ignored }
        }
        if named {
            tasks[s].commPayloadRow = row
            tasks[s].commPayloadField = .wakee
        }
        guard tasks[s].state == .sleeping, tasks[s].outTime <= ts else { return }
        let slept = ts - tasks[s].outTime
        if tasks[s].outState == UInt8(ascii: "D") { tasks[s].blocked += slept } else { tasks[s].sleep += slept }
        tasks[s].state = .waiting
        tasks[s].waitStart = ts
        tasks[s].waitRow = row
    }

    private mutating func onRuntime(_ c: EventChunk, _ i: Int, _ row: Int) {
        let pid: Int64, runtime: Int64
        if case let v = c.latencyValues(i), v.kind == TypedFields.Kind.runtime.rawValue {
            pid = v.f0
            runtime = v.f1
        } else {
            let scan = PayloadScan(c.payload(i))
            // A u64 prints in hex in the reader's field form (`runtime=0x…`).
            guard let pidAt = scan.value(of: "pid="), let p = scan.integer(at: pidAt),
                  let r = scan.value(of: "runtime=", from: pidAt).flatMap({ scan.unsigned(at: $0) }) else { return }
            pid = p
            runtime = r
        }
        guard pid != 0 else { return }
        sawStatRuntime = true
        var isNew = false
        let s = slots.slot(Int32(truncatingIfNeeded: pid), isNew: &isNew)
        if isNew {
            tasks.append(Task(delays: LatencyAccumulator(keep: keep)))
            firstSeenRunnable(s, at: c.timestamps[i], row: row)
        }
        tasks[s].statRuntime += runtime
    }

    func comm(of s: Int) -> String {
        let t = tasks[s]
        let header = t.commTask >= 0 ? store.taskNames[Int(t.commTask)] : nil
        if t.commPayloadRow > t.commTaskRow, let named = payloadComm(row: t.commPayloadRow, t.commPayloadField) {
            return named
        }
        return header ?? ":\(slots.pids[s])"
    }

    /// The comm a payload gives, read again from the store (nil when the row was evicted or names nobody).
    private func payloadComm(row: Int, _ field: CommField) -> String? {
        let r = row - rowBase
        guard r >= 0, r < store.count else { return nil }
        let (c, i) = store.locate(r)
        let scan = PayloadScan(c.payload(i))
        let name: String?
        switch field {
        case .prev: name = SchedSwitchFields(scan)?.prevComm
        case .next: name = SchedSwitchFields(scan)?.nextComm
        case .wakee: name = SchedSwitchFields.wakee(scan).map { scan.text($0.comm.lowerBound, $0.comm.upperBound) }
        }
        return name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Rows by comm (merged as perf merges threads of one name) or by thread, most delayed on average first.
    func rows(_ grouping: LatencyGrouping) -> [SchedLatencyRow] {
        var order: [String: Int] = [:]
        var groups: [(comm: String, slots: [Int])] = []
        for s in tasks.indices {
            let name = comm(of: s)
            if grouping == .comm, let g = order[name] {
                groups[g].slots.append(s)
            } else {
                order[name] = groups.count
                groups.append((name, [s]))
            }
        }
        var out: [SchedLatencyRow] = []
        for g in groups {
            var acc = LatencyAccumulator(keep: keep)
            var runtime: Int64 = 0, sleep: Int64 = 0, blocked: Int64 = 0, runnable: Int64 = 0
            for s in g.slots {
                acc.merge(tasks[s].delays)
                runtime += sawStatRuntime ? tasks[s].statRuntime : tasks[s].onCPU
                sleep += tasks[s].sleep
                blocked += tasks[s].blocked
                runnable += tasks[s].runnable
            }
            guard acc.count > 0 || runtime > 0 else { continue }
            out.append(SchedLatencyRow(comm: g.comm, pids: g.slots.map { slots.pids[$0] }.sorted(), runtime: runtime,
                                       delay: acc.finish(), runnable: runnable, sleep: sleep, blocked: blocked))
        }
        // perf's default order: average delay, then max, switches, runtime.
        out.sort {
            ($0.delay.average, $0.delay.max, $0.switches, $0.runtime, $1.comm)
                > ($1.delay.average, $1.delay.max, $1.switches, $1.runtime, $0.comm)
        }
        return out
    }
}

/// The fields of a `sched_switch` payload: ftrace / perf `prev_comm=… prev_pid=… prev_state=S ==> next_comm=…
/// next_pid=…`, or trace-cmd's plugin layout `comm:pid [prio] S ==> comm:pid [prio]`.
struct SchedSwitchFields {
    var prevPID: Int32
    var prevState: UInt8
    /// `R+`: switched out by preemption.
    var preempted = false
    var nextPID: Int32
    private let scan: PayloadScan
    private var prevCommRange: Range<Int>
    private var nextCommRange: Range<Int>

    var prevComm: String { scan.text(prevCommRange.lowerBound, prevCommRange.upperBound) }
    var nextComm: String { scan.text(nextCommRange.lowerBound, nextCommRange.upperBound) }

    init?(_ scan: PayloadScan) {
        self.scan = scan
        if let pp = scan.value(of: "prev_pid=") {
            guard let prev = scan.integer(at: pp), let st = scan.value(of: "prev_state=", from: pp),
                  let np = scan.value(of: "next_pid=", from: st), let next = scan.integer(at: np) else { return nil }
            prevPID = Int32(truncatingIfNeeded: prev)
            nextPID = Int32(truncatingIfNeeded: next)
            prevState = st < scan.count ? scan.line[st] : 0
            preempted = st + 1 < scan.count && scan.line[st + 1] == 0x2B
            let pc = scan.value(of: "prev_comm=") ?? 0
            prevCommRange = pc..<Swift.max(pc, pp - 10)
            let nc = scan.value(of: "next_comm=", from: st) ?? np
            nextCommRange = nc..<Swift.max(nc, np - 10)
            return
        }
        // The plugin layout.
        let line = scan.line
        var arrow = -1
        var k = 0
        while let eq = line.find(Byte.equals, from: k) {
            if eq + 2 < line.count, line[eq + 1] == Byte.equals, line[eq + 2] == Byte.greater {
                arrow = eq
                break
            }
            k = eq + 1
        }
        guard arrow > 0, let left = Self.task(line, from: 0, to: arrow),
              let right = Self.task(line, from: arrow + 3, to: line.count) else { return nil }
        prevPID = left.pid
        nextPID = right.pid
        prevCommRange = left.comm
        nextCommRange = right.comm
        // The state: the word between `]` and `==>`.
        let st = line.skipSpaces(from: left.end)
        prevState = st < arrow ? line[st] : 0
        preempted = st + 1 < arrow && line[st + 1] == 0x2B
    }

    /// `comm:pid [prio]` in [from, to): the comm, the pid, and the index after `]`.
    private static func task(_ line: LineBytes, from: Int, to: Int) -> (comm: Range<Int>, pid: Int32, end: Int)? {
        // The last ` [digits]` in range: a comm may hold brackets.
        var open = -1
        var k = from
        while let b = line.find(Byte.openBracket, from: k, to: to) {
            if b > from, line[b - 1] == Byte.space, b + 1 < to, Byte.isDigit(line[b + 1]) || line[b + 1] == Byte.dash {
                open = b
            }
            k = b + 1
        }
        guard open > 0, let close = line.find(Byte.closeBracket, from: open, to: to) else { return nil }
        let s = line.skipSpaces(from: from)
        let e = line.trimmedEnd(open)
        var colon = e - 1
        while colon > s, line[colon] != Byte.colon { colon -= 1 }
        guard colon > s, let pid = line.number(from: colon + 1, to: e) else { return nil }
        return (s..<colon, Int32(truncatingIfNeeded: pid), close + 1)
    }

    /// The woken task of a wakeup payload (`comm=… pid=…`, or the plugin's `comm:pid [prio] …`) and its comm's bytes.
    static func wakee(_ scan: PayloadScan) -> (pid: Int32, comm: Range<Int>)? {
        if let p = scan.value(of: "pid="), let pid = scan.integer(at: p) {
            let c = scan.value(of: "comm=") ?? p
            return (Int32(truncatingIfNeeded: pid), c..<Swift.max(c, p - 5))
        }
        guard let t = task(scan.line, from: 0, to: scan.count) else { return nil }
        return (t.pid, t.comm)
    }
}

/// Which perf's delay rules to follow.
public enum SchedDelayRules: String, Sendable, CaseIterable {
    /// perf 6.4 and later: `sched_waking` preferred when recorded, a preempted task waits for a CPU.
    case current
    /// perf up to 6.3: only `sched_wakeup` / `sched_wakeup_new` wake, a preempted (`R+`) task counts as asleep.
    case beforePerf64 = "perf-6.3"
    /// `trace-cmd report --profile`'s wakeup latency (tracecmd/trace-profile.c): `sched_wakeup` of a task seen
    /// switching out asleep, to its next switch-in; preemptions, new tasks and tasks first seen running not counted.
    case traceCmd = "trace-cmd"
}
