/// What a latency pass does with an event, told once per event name.
enum LatencyEventKind: UInt8 {
    case other
    case schedSwitch, schedWaking, schedWakeup, schedWakeupNew, schedStatRuntime
    case sysEnter, sysExit, rawSysEnter, rawSysExit
    case irqEntry, irqExit, softirqEntry, softirqExit
    case blockIssue, blockInsert, blockComplete

    /// Which event ids are of one of `these` kinds (a pass's filter).
    static func mask(_ kinds: [LatencyEventKind], _ these: Set<LatencyEventKind>) -> [Bool] {
        kinds.map { these.contains($0) }
    }

    /// The kind of each event id of a store; `syscall[id]` names the syscall of `sys_enter_X` / `sys_exit_X`.
    static func table(_ names: [String]) -> (kinds: [LatencyEventKind], syscall: [String?]) {
        var kinds = [LatencyEventKind](repeating: .other, count: names.count)
        var syscall = [String?](repeating: nil, count: names.count)
        for (id, full) in names.enumerated() where SpecialEvent.isEvent(UInt16(truncatingIfNeeded: id)) {
            // perf names carry their system (`sched:sched_switch`).
            let name = full.split(separator: ":").last.map(String.init) ?? full
            switch name {
            case "sched_switch": kinds[id] = .schedSwitch
            case "sched_waking": kinds[id] = .schedWaking
            case "sched_wakeup": kinds[id] = .schedWakeup
            case "sched_wakeup_new": kinds[id] = .schedWakeupNew
            case "sched_stat_runtime": kinds[id] = .schedStatRuntime
            case "sys_enter": kinds[id] = .rawSysEnter
            case "sys_exit": kinds[id] = .rawSysExit
            case "irq_handler_entry": kinds[id] = .irqEntry
            case "irq_handler_exit": kinds[id] = .irqExit
            case "softirq_entry": kinds[id] = .softirqEntry
            case "softirq_exit": kinds[id] = .softirqExit
            case "block_rq_issue": kinds[id] = .blockIssue
            case "block_rq_insert": kinds[id] = .blockInsert
            case "block_rq_complete": kinds[id] = .blockComplete
            default:
                if name.hasPrefix("sys_enter_") {
                    kinds[id] = .sysEnter
                    syscall[id] = String(name.dropFirst(10))
                } else if name.hasPrefix("sys_exit_") {
                    kinds[id] = .sysExit
                    syscall[id] = String(name.dropFirst(9))
                }
            }
        }
        return (kinds, syscall)
    }
}
