/// The one pass that makes a `Timeline`: `sched_switch` rows fill the CPU lanes, switches and wakeups drive the
/// state of the tasks asked for, lost-event rows become marks. Payloads are decoded by the latency passes'
/// readers (`SchedSwitchFields`), so every format they read (ftrace, perf script, trace-cmd's plugin layout) works.
struct TimelineBuilder {
    let store: EventStore
    let kinds: [LatencyEventKind]
    let wanted: TimelineTasks
    /// `sched_waking` when the trace has it (the wakeup's earliest moment), else `sched_wakeup`; `_new` always.
    let useWaking: Bool
    var slots = TaskSlots()
    /// Tasks of hosts other than the first: slot by host and pid (pids repeat across machines).
    var hostSlots: [UInt64: Int32] = [:]
    var slotHosts: [UInt16] = []
    var slotPIDs: [Int32] = []
    /// The host of the row being read.
    var host: UInt16 = 0
    /// CPU lanes of hosts other than the first, by host and CPU.
    var laneOfHostCPU: [UInt64: Int] = [:]
    var timeline = Timeline()
    /// CPU number → index in `lanes` (-1: none yet).
    var laneOfCPU: [Int] = []
    var lanes: [CPULane] = []
    /// The irq overlays' bucket grid, the same for every lane.
    let irqGrid: (origin: Int64, shift: Int)

    /// Per task slot: the row naming the task last and which field, to read its comm when done.
    var commRow: [Int] = []
    var commField: [SchedLatencyPass.CommField] = []

    /// Per task slot, for the tasks tracked: their open state and since when (`unknown`: not seen yet).
    static let unknown: UInt8 = 255
    var tracked: [Bool] = []
    var state: [UInt8] = []
    var since: [Int64] = []
    var laneOfSlot: [Int32] = []
    var taskLanes: [TaskLane] = []

    var noCPU = 0
    var outOfOrder = 0
    var unreadable = 0

    /// Event id → index in `eventLanes` (-1: not drawn).
    var laneOfEvent: [Int]
    var eventLanes: [EventLane] = []

    init(store: EventStore, tasks: TimelineTasks, eventLanes limit: Int = 0) {
        self.store = store
        kinds = LatencyEventKind.table(store.eventNames).kinds
        wanted = tasks
        irqGrid = IRQOverlay.grid(store)
        useWaking = kinds.contains(.schedWaking)
        laneOfEvent = [Int](repeating: -1, count: store.eventNames.count)
        for id in EventLane.chosen(store, limit: limit) {
            laneOfEvent[Int(id)] = eventLanes.count
            eventLanes.append(EventLane(name: store.eventNames[Int(id)], id: id))
        }
    }

    @inline(__always)
    private mutating func slot(_ pid: Int32, row: Int, field: SchedLatencyPass.CommField) -> Int32 {
        var isNew = false
        let s: Int
        if host == 0 {
            s = slots.slot(pid, isNew: &isNew)
            if isNew {
                // Slots of the first host and the others share one numbering.
                slotHosts.append(0)
                slotPIDs.append(pid)
            }
        } else {
            s = hostSlot(pid, isNew: &isNew)
        }
        if isNew {
            commRow.append(row)
            commField.append(field)
            let track: Bool
            switch wanted {
            case .none: track = false
            case .all: track = pid != 0
            case .pids(let set): track = set.contains(pid)
            }
            tracked.append(track)
            state.append(Self.unknown)
            since.append(0)
            laneOfSlot.append(track ? Int32(taskLanes.count) : -1)
            if track { taskLanes.append(TaskLane(pid: pid, slot: Int32(s))) }
        } else if row >= 0 {
            commRow[s] = row
            commField[s] = field
        }
        return Int32(s)
    }

    /// The slot of a task of `host` (not the first): made when new, after the slots taken so far.
    private mutating func hostSlot(_ pid: Int32, isNew: inout Bool) -> Int {
        let key = UInt64(host) << 32 | UInt64(UInt32(bitPattern: pid))
        if let s = hostSlots[key] {
            isNew = false
            return Int(s)
        }
        isNew = true
        let s = Int32(slotPIDs.count)
        hostSlots[key] = s
        slotHosts.append(host)
        slotPIDs.append(pid)
        // Keeps the first host's numbering in step: its next slot is the one after this.
        slots.skip()
        return Int(s)
    }

    mutating func run() {
        var mask = LatencyEventKind.mask(kinds, [.schedSwitch, .schedWaking, .schedWakeup, .schedWakeupNew,
                                                 .irqEntry, .irqExit, .softirqEntry, .softirqExit])
        let lostID = Int(SpecialEvent.lost.rawValue)
        if lostID < mask.count { mask[lostID] = true }
        for lane in eventLanes { mask[Int(lane.id)] = true }
        store.forEachRow(in: .all, wanted: mask) { c, i, row in
            host = c.host(at: i)
            let id = Int(c.events[i])
            let e = laneOfEvent[id]
            if e >= 0 {
                eventLanes[e].append(c.timestamps[i])
                return
            }
            if id == lostID {
                let cpu = c.cpus[i]
                timeline.lost.append((c.timestamps[i], cpu == 0xFFFF ? -1 : Int(cpu), host))
                return
            }
            switch kinds[id] {
            case .schedSwitch: onSwitch(c, i, row)
            case .schedWaking: if useWaking { onWakeup(c, i, row) }
            case .schedWakeup: if !useWaking { onWakeup(c, i, row) }
            case .schedWakeupNew: onWakeup(c, i, row)
            case .irqEntry, .softirqEntry, .irqExit, .softirqExit:
                let cpu = c.cpus[i]
                guard cpu != 0xFFFF else { return }
                let kind = kinds[id]
                lanes[laneIndex(Int(cpu))].irq(entry: kind == .irqEntry || kind == .softirqEntry, at: c.timestamps[i])
            default: break
            }
        }
    }

    private mutating func onSwitch(_ c: EventChunk, _ i: Int, _ row: Int) {
        guard let sw = SchedSwitchFields(PayloadScan(c.payload(i))) else {
            unreadable += 1
            return
        }
        let cpu = c.cpus[i]
        guard cpu != 0xFFFF else {
            noCPU += 1
            return
        }
        let t = c.timestamps[i]
        let n = Int(cpu)
        let l = laneIndex(n)
        let last = lanes[l].last
        if let last, t < last {
            outOfOrder += 1
            return
        }
        let prev = slot(sw.prevPID, row: row, field: .prev)
        let nextSlot = slot(sw.nextPID, row: row, field: .next)
        let closes = lanes[l].append(t, prev: prev, next: nextSlot)
        timeline.switches += 1
        let p = Int(prev)
        if tracked[p] {
            if closes, let last {
                // The lane's run [last, t) is the task's: whatever it was doing before ends there.
                let open = state[p]
                if open != Self.unknown, open != TaskState.running.rawValue, since[p] < last {
                    taskLanes[Int(laneOfSlot[p])].add(TaskState(rawValue: open)!, since[p], last)
                }
                taskLanes[Int(laneOfSlot[p])].add(.running, last, t, cpu: Int32(n))
            }
            // Otherwise what the task did before is unknown: its open state is dropped.
            state[p] = TaskState.switchedOut(sw.prevState).rawValue
            since[p] = t
        }
        let next = Int(nextSlot)
        if tracked[next] {
            let open = state[next]
            if open != Self.unknown, open != TaskState.running.rawValue, since[next] < t {
                taskLanes[Int(laneOfSlot[next])].add(TaskState(rawValue: open)!, since[next], t)
            }
            // Shown once the switch that ends the run comes (the CPU lane's run).
            state[next] = TaskState.running.rawValue
            since[next] = t
        }
    }

    /// The lane of CPU `n`, made when first seen.
    private mutating func laneIndex(_ n: Int) -> Int {
        if host != 0 {
            let key = UInt64(host) << 32 | UInt64(n)
            if let l = laneOfHostCPU[key] { return l }
            laneOfHostCPU[key] = lanes.count
            lanes.append(CPULane(cpu: n, host: host, irqGrid: irqGrid))
            return lanes.count - 1
        }
        if n >= laneOfCPU.count { laneOfCPU += [Int](repeating: -1, count: n + 1 - laneOfCPU.count) }
        if laneOfCPU[n] < 0 {
            laneOfCPU[n] = lanes.count
            lanes.append(CPULane(cpu: n, irqGrid: irqGrid))
        }
        return laneOfCPU[n]
    }

    private mutating func onWakeup(_ c: EventChunk, _ i: Int, _ row: Int) {
        let scan = PayloadScan(c.payload(i))
        guard let (pid, comm) = SchedSwitchFields.wakee(scan), pid != 0 else { return }
        let s = Int(slot(pid, row: comm.isEmpty ? -1 : row, field: .wakee))
        guard tracked[s] else { return }
        let t = c.timestamps[i]
        let open = state[s]
        if open == TaskState.running.rawValue || open == TaskState.runnable.rawValue { return }
        if open != Self.unknown {
            guard since[s] <= t else { return }
            taskLanes[Int(laneOfSlot[s])].add(TaskState(rawValue: open)!, since[s], t)
        }
        state[s] = TaskState.runnable.rawValue
        since[s] = t
    }

    mutating func finish() -> Timeline {
        var tl = timeline
        tl.start = store.summary.firstTimestamp ?? 0
        tl.end = store.summary.lastTimestamp ?? tl.start
        var step = [Int8](repeating: 0, count: kinds.count)
        for (id, kind) in kinds.enumerated() {
            switch kind {
            case .irqEntry, .softirqEntry: step[id] = 1
            case .irqExit, .softirqExit: step[id] = -1
            default: break
            }
        }
        // A frame reads at most about 1.6 M handler rows across the lanes (a millisecond or two).
        let rows = IRQRows(store: store, step: step, budget: Swift.max(50_000, 1_600_000 / Swift.max(1, lanes.count)))
        for k in lanes.indices { lanes[k].finish(irqRows: rows) }
        tl.cpus = lanes.sorted { ($0.host, $0.cpu) < ($1.host, $1.cpu) }
        tl.taskPIDs = slotPIDs
        tl.taskHosts = slotHosts
        if store.hasSeveralHosts { tl.hostNames = store.hostNames }
        tl.taskComms = slotPIDs.indices.map { comm(of: $0) }
        tl.taskLanes = taskLanes.sorted { (slotHosts[Int($0.slot)], $0.pid) < (slotHosts[Int($1.slot)], $1.pid) }
        tl.events = eventLanes
        if noCPU > 0 { tl.notes.append("\(noCPU) sched_switch events without a CPU were left out") }
        if outOfOrder > 0 {
            tl.notes.append("\(outOfOrder) sched_switch events earlier than their CPU's previous switch were left out")
        }
        let breaks = lanes.reduce(0) { $0 + $1.breaks }
        if breaks > 0 {
            tl.notes.append("\(breaks) sched_switch events name a prev task that the CPU's previous switch did not "
                            + "put on it (events lost or filtered): the runs before them are left unknown")
        }
        if unreadable > 0 { tl.notes.append("\(unreadable) sched_switch events could not be read") }
        if !tl.lost.isEmpty { tl.notes.append("\(tl.lost.count) lost-event marks: lanes may miss switches there") }
        return tl
    }

    /// The comm the task's latest naming row gives (idle: `swapper`, as perf names it).
    private func comm(of s: Int) -> String {
        let pid = slotPIDs[s]
        if pid == 0 { return "swapper" }
        let r = commRow[s]
        guard r >= 0, r < store.count else { return ":\(pid)" }
        let (c, i) = store.locate(r)
        let scan = PayloadScan(c.payload(i))
        let name: String?
        switch commField[s] {
        case .prev: name = SchedSwitchFields(scan)?.prevComm
        case .next: name = SchedSwitchFields(scan)?.nextComm
        case .wakee: name = SchedSwitchFields.wakee(scan).map { scan.text($0.comm.lowerBound, $0.comm.upperBound) }
        }
        if let name, !name.isEmpty, name != "<...>" { return name }
        return ":\(pid)"
    }
}
