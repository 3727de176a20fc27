/// What to sample, in perf record's words: the event (`-e cpu-clock`), the rate (`-F 99`), whose (`-p`,
/// a command, or the whole machine).
public struct SamplingOptions: Sendable, Equatable {
    public var event = PerfEventName.cpuClock
    public var frequency = 99
    /// Only these processes (and the children they start); empty: every CPU, every task.
    public var pids: [Int32] = []
    /// CPUs to sample (default: every online CPU).
    public var cpus: [Int]?
    /// Pages of each CPU's ring (a power of two), besides its header page.
    public var ringPages = 128

    public init() {}

    /// `0,2-3`.
    public static func parseCPUList(_ text: String) -> [Int] { PerfSampler.parseCPUList(text) }
}

/// A perf event that can be sampled, by the names `perf list` gives.
public struct PerfEventName: Sendable, Equatable {
    public let name: String
    /// PERF_TYPE_HARDWARE 0 or PERF_TYPE_SOFTWARE 1.
    public let type: UInt32
    public let config: UInt64

    public static let cpuClock = PerfEventName(name: "cpu-clock", type: 1, config: 0)

    static let known: [PerfEventName] = [
        cpuClock,
        .init(name: "task-clock", type: 1, config: 1),
        .init(name: "page-faults", type: 1, config: 2),
        .init(name: "context-switches", type: 1, config: 3),
        .init(name: "cpu-migrations", type: 1, config: 4),
        .init(name: "minor-faults", type: 1, config: 5),
        .init(name: "major-faults", type: 1, config: 6),
        .init(name: "cycles", type: 0, config: 0),
        .init(name: "instructions", type: 0, config: 1),
        .init(name: "cache-references", type: 0, config: 2),
        .init(name: "cache-misses", type: 0, config: 3),
        .init(name: "branches", type: 0, config: 4),
        .init(name: "branch-misses", type: 0, config: 5),
        .init(name: "bus-cycles", type: 0, config: 6),
        .init(name: "stalled-cycles-frontend", type: 0, config: 7),
        .init(name: "stalled-cycles-backend", type: 0, config: 8),
        .init(name: "ref-cycles", type: 0, config: 9),
    ]
    static let aliases = ["cpu-cycles": "cycles", "branch-instructions": "branches", "faults": "page-faults",
                          "cs": "context-switches", "migrations": "cpu-migrations"]

    /// A perf event name (`cpu-clock`, `cycles`, `cs`…), nil for anything else (a tracepoint spec).
    public static func parse(_ text: String) -> PerfEventName? {
        let name = aliases[text] ?? text
        return known.first { $0.name == name }
    }

    public var isHardware: Bool { type == 0 }
}
