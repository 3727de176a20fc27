/// What an A–B time range holds, as Perfetto's area selection sums it: CPU time per task and per CPU, time in each
/// state per task, events per event name, and scheduling delays (woken or preempted → running).
public struct RangeAggregate: Sendable, Equatable {
    public struct TaskTimes: Sendable, Equatable {
        public var pid: Int32
        public var comm: String
        /// Running time per CPU, and in total.
        public var cpu: [Int: Int64]
        public var running: Int64 { cpu.values.reduce(0, +) }
        /// Time in each state (running included), from the task lanes.
        public var states: [TaskState: Int64]
    }

    public var from: Int64
    public var to: Int64
    /// Busiest first.
    public var tasks: [TaskTimes] = []
    /// Per CPU: time running a task (idle left out) and idle time, within the range's known runs.
    public var cpuBusy: [Int: Int64] = [:]
    public var cpuIdle: [Int: Int64] = [:]
    /// Events per name in the range, most frequent first.
    public var events: [(name: String, count: Int)] = []
    /// Scheduling delays ending in the range: from the start of a runnable interval to the run that ends it.
    public var delays: LatencyStats

    public static func == (a: RangeAggregate, b: RangeAggregate) -> Bool {
        a.from == b.from && a.to == b.to && a.tasks == b.tasks && a.cpuBusy == b.cpuBusy && a.cpuIdle == b.cpuIdle
            && a.events.map(\.name) == b.events.map(\.name) && a.events.map(\.count) == b.events.map(\.count)
            && a.delays == b.delays
    }
}

extension Timeline {
    /// Sums the range [from, to) of this timeline (its task lanes give the states and delays: build it with
    /// `.all` for every task) and of `store`'s rows (the event counts).
    public func aggregate(from: Int64, to: Int64, store: EventStore) -> RangeAggregate {
        var byPID: [Int32: RangeAggregate.TaskTimes] = [:]
        var busy: [Int: Int64] = [:], idle: [Int: Int64] = [:]
        for lane in cpus {
            var j = Swift.max(0, lane.lowerBound(from) - 1)
            while j < lane.runCount, lane.times[j] < to {
                let s = Swift.max(from, lane.times[j]), e = Swift.min(to, lane.times[j + 1])
                let slot = lane.runTasks[j]
                if e > s, slot >= 0 {
                    if isIdle(slot) {
                        idle[lane.cpu, default: 0] += e - s
                    } else {
                        busy[lane.cpu, default: 0] += e - s
                        let p = pid(slot)
                        byPID[p, default: .init(pid: p, comm: comm(slot), cpu: [:], states: [:])].cpu[lane.cpu, default: 0] += e - s
                    }
                }
                j += 1
            }
        }
        var delays = LatencyAccumulator(keep: 1)
        for lane in taskLanes {
            var k = lane.firstEnding(after: from)
            while k < lane.count, lane.starts[k] < to {
                let s = Swift.max(from, lane.starts[k]), e = Swift.min(to, lane.ends[k])
                if e > s {
                    byPID[lane.pid, default: .init(pid: lane.pid, comm: comm(lane.slot), cpu: [:], states: [:])]
                        .states[lane.states[k], default: 0] += e - s
                }
                // A wait that a run of the task ends, the run starting in the range.
                if lane.states[k] == .running, k > 0, lane.starts[k] >= from, lane.states[k - 1] == .runnable,
                   lane.ends[k - 1] == lane.starts[k] {
                    delays.add(lane.starts[k] - lane.starts[k - 1], start: lane.starts[k - 1], startRow: -1, endRow: -1,
                               pid: lane.pid)
                }
                k += 1
            }
        }
        var counts = [Int](repeating: 0, count: store.eventNames.count)
        let first = store.firstRow(atOrAfter: from), last = store.firstRow(atOrAfter: to)
        if first < last {
            for r in first..<last { counts[Int(store.eventID(r))] += 1 }
        }
        var events: [(String, Int)] = []
        for (id, n) in counts.enumerated() where n > 0 { events.append((store.eventNames[id], n)) }
        events.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var out = RangeAggregate(from: from, to: to, delays: delays.finish())
        out.tasks = byPID.values.sorted { ($0.running, $1.pid) > ($1.running, $0.pid) }
        out.cpuBusy = busy
        out.cpuIdle = idle
        out.events = events
        return out
    }
}
