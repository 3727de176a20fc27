/// What ran where and when: one lane per CPU (runs between `sched_switch` events), the state over time of the
/// tasks asked for, and where events were lost. Built from a store in one pass (`EventStore.timeline`); pure.
public struct Timeline: Sendable {
    /// One lane per CPU that has switches, by CPU number.
    public internal(set) var cpus: [CPULane] = []
    /// The tasks named by switches and wakeups, by slot: pid and comm (the latest the trace gives).
    public internal(set) var taskPIDs: [Int32] = []
    public internal(set) var taskComms: [String] = []
    /// Lanes of the tasks asked for, by pid.
    public internal(set) var taskLanes: [TaskLane] = []
    /// The most frequent other events' times (`eventLanes:` of `EventStore.timeline`).
    public internal(set) var events: [EventLane] = []
    /// Top-level calls per CPU or thread (function_graph, uftrace, Chrome traces), when asked for.
    public internal(set) var calls = CallLanes()
    /// Lost-event rows (`CPU:n [LOST k EVENTS]`, overwritten buffers): where they fall and on which CPU (-1: any).
    public internal(set) var lost: [(time: Int64, cpu: Int, host: UInt16)] = []
    /// The hosts of a trace from several machines (`EventStore.hostNames`): lanes are per host and CPU, tasks per
    /// host and pid. Empty for one machine.
    public internal(set) var hostNames: [String] = []
    /// Per task slot, its host (all 0 for one machine).
    public internal(set) var taskHosts: [UInt16] = []
    /// The store's first and last timestamps.
    public internal(set) var start: Int64 = 0
    public internal(set) var end: Int64 = 0
    public internal(set) var switches = 0
    /// What could not be placed and why (switches with no CPU, out of time order on their CPU, unreadable).
    public internal(set) var notes: [String] = []

    public init() {}

    public func pid(_ slot: Int32) -> Int32 { slot >= 0 && Int(slot) < taskPIDs.count ? taskPIDs[Int(slot)] : -1 }

    public func comm(_ slot: Int32) -> String {
        slot >= 0 && Int(slot) < taskComms.count ? taskComms[Int(slot)] : ""
    }

    /// The idle task (pid 0) runs where a CPU has nothing to do: drawn blank.
    public func isIdle(_ slot: Int32) -> Bool { pid(slot) == 0 }

    public func lane(ofCPU cpu: Int, host: UInt16 = 0) -> CPULane? { cpus.first { $0.cpu == cpu && $0.host == host } }

    /// `web1 ` before a lane's name when the trace has several hosts, else nothing.
    public func hostPrefix(_ host: UInt16) -> String {
        hostNames.count > 1 && Int(host) < hostNames.count ? hostNames[Int(host)] + " " : ""
    }

    public func host(ofSlot slot: Int32) -> UInt16 {
        slot >= 0 && Int(slot) < taskHosts.count ? taskHosts[Int(slot)] : 0
    }

    public func taskLane(pid: Int32) -> TaskLane? { taskLanes.first { $0.pid == pid } }

    /// Bytes the CPU lanes hold (columns and summaries), beyond the store.
    public var laneBytes: Int { cpus.reduce(0) { $0 + $1.bytes } }

    /// Running time per task and CPU summed from the CPU lanes: pid → cpu → ns (idle left out).
    public func runTimeByTask() -> [Int32: [Int: Int64]] {
        var out: [Int32: [Int: Int64]] = [:]
        for lane in cpus {
            for j in 0..<lane.runCount where lane.runTasks[j] >= 0 && !isIdle(lane.runTasks[j]) {
                out[pid(lane.runTasks[j]), default: [:]][lane.cpu, default: 0] += lane.times[j + 1] - lane.times[j]
            }
        }
        return out
    }
}

/// Which tasks get a state lane.
public enum TimelineTasks: Sendable, Equatable {
    case none
    case all
    case pids(Set<Int32>)
}

extension EventStore {
    /// The timeline of every `sched_switch` in the store, with state lanes for `tasks` and lanes for up to
    /// `eventLanes` of the most frequent other events, in the same pass; with `callLanes`, the top-level calls.
    public func timeline(tasks: TimelineTasks = .none, eventLanes: Int = 0, callLanes: Bool = false) -> Timeline {
        var builder = TimelineBuilder(store: self, tasks: tasks, eventLanes: eventLanes)
        builder.run()
        var tl = builder.finish()
        if callLanes, CallTree.hasCalls(self) { tl.calls = CallLanes(tree: CallTree(store: self), store: self) }
        return tl
    }
}
