/// What a task was doing, from `sched_switch`'s `prev_state` and the wakeups.
public enum TaskState: UInt8, Sendable, CaseIterable {
    /// On a CPU (the interval's `cpu`).
    case running
    /// Woken or preempted, waiting for a CPU.
    case runnable
    /// `S` (and `I`, an idle kernel thread's sleep).
    case sleeping
    /// `D`: uninterruptible, usually waiting for I/O.
    case blocked
    /// `T` / `t`.
    case stopped
    /// `X` / `Z`.
    case dead
    /// Any other letter (`P` parked, `W`, `K`, …).
    case other

    public var name: String { "\(staticName)" }

    /// `name` without a `String`, for the JSON writer's hot loop.
    var staticName: StaticString {
        switch self {
        case .running: return "running"
        case .runnable: return "runnable"
        case .sleeping: return "sleeping"
        case .blocked: return "blocked"
        case .stopped: return "stopped"
        case .dead: return "dead"
        case .other: return "other"
        }
    }

    /// The state a task switched out in `letter` is in (`R`, `R+`: preempted, still runnable).
    static func switchedOut(_ letter: UInt8) -> TaskState {
        switch letter {
        case UInt8(ascii: "R"): return .runnable
        case UInt8(ascii: "S"), UInt8(ascii: "I"): return .sleeping
        case UInt8(ascii: "D"): return .blocked
        case UInt8(ascii: "T"), UInt8(ascii: "t"): return .stopped
        case UInt8(ascii: "X"), UInt8(ascii: "Z"): return .dead
        default: return .other
        }
    }
}

/// One task's state over time, in columns: interval `k` is `[starts[k], ends[k])` in `states[k]`, on CPU `cpus[k]`
/// when running (-1 otherwise). Only intervals closed by an event: nothing is shown before the first event that
/// names the task, nor after its last.
public struct TaskLane: Sendable {
    public let pid: Int32
    public let slot: Int32
    public private(set) var starts: [Int64] = []
    public private(set) var ends: [Int64] = []
    public private(set) var states: [TaskState] = []
    public private(set) var cpus: [Int32] = []

    init(pid: Int32, slot: Int32) {
        self.pid = pid
        self.slot = slot
    }

    public var count: Int { starts.count }

    @inline(__always)
    mutating func add(_ state: TaskState, _ start: Int64, _ end: Int64, cpu: Int32 = -1) {
        // Events lost or out of order can make a state reach back over the last one: it starts where that ended.
        let start = Swift.max(start, ends.last ?? start)
        guard end > start else { return }
        starts.append(start)
        ends.append(end)
        states.append(state)
        cpus.append(cpu)
    }

    /// The first interval ending after `t`.
    public func firstEnding(after t: Int64) -> Int {
        var lo = 0, hi = ends.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Per cell of `width` ns from `from`, the state the task spent longest in (nil: none known) and whether it
    /// changed state inside the cell. Cost: a binary search plus the intervals in view.
    public func cells(from: Int64, width: Int64, count: Int) -> [(state: TaskState?, cpu: Int32, changes: Int)] {
        var out = [(state: TaskState?, cpu: Int32, changes: Int)](repeating: (nil, -1, 0), count: Swift.max(0, count))
        guard width > 0 else { return out }
        var k = firstEnding(after: from)
        for c in 0..<out.count {
            let a = from &+ Int64(c) &* width, b = a &+ width
            var best: Int64 = 0
            var m = k
            var changes = 0
            // Cells wider than many intervals: the summaries are not needed here since a pinned task's lane is
            // short next to the CPU lanes, but stop scanning at a bound and count the rest as changes.
            while m < starts.count, starts[m] < b {
                let s = Swift.max(a, starts[m]), e = Swift.min(b, ends[m])
                if e - s > best {
                    best = e - s
                    out[c].state = states[m]
                    out[c].cpu = cpus[m]
                }
                changes += 1
                if ends[m] > b { break }
                m += 1
            }
            out[c].changes = Swift.max(0, changes - 1)
            while k < ends.count, ends[k] <= b { k += 1 }
        }
        return out
    }
}
