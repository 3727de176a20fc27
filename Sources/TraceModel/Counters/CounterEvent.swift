/// An event counted with `perf_event_open` in counting mode, named as `perf stat` prints it.
///
/// The kernel's type/config numbers for each live in TraceCapture (they are ABI, not model); here the event is
/// what the summary and the counters pane know: its name, its unit and whether it needs a PMU.
public enum CounterEvent: Int, CaseIterable, Sendable, Hashable, Comparable {
    case taskClock, contextSwitches, cpuMigrations, pageFaults, minorFaults, majorFaults, cycles, instructions

    /// `perf stat`'s name for the event (`perf list` spelling).
    public var name: String {
        switch self {
        case .taskClock: "task-clock"
        case .contextSwitches: "context-switches"
        case .cpuMigrations: "cpu-migrations"
        case .pageFaults: "page-faults"
        case .minorFaults: "minor-faults"
        case .majorFaults: "major-faults"
        case .cycles: "cycles"
        case .instructions: "instructions"
        }
    }

    /// Hardware events need a PMU, which most virtual machines do not expose.
    public var isHardware: Bool { self == .cycles || self == .instructions }

    /// task-clock counts nanoseconds; the others count occurrences.
    public var isTime: Bool { self == .taskClock }

    /// What `tracetui stat -- COMMAND` counts: perf stat's default software events, page faults split into
    /// minor and major, and cycles and instructions for IPC.
    public static let command: [CounterEvent] = allCases

    /// What the counters pane counts on every CPU. task-clock is left out: system-wide it only measures how
    /// long each CPU was watched (perf stat -a's "2.000 CPUs utilized"), and the CPU bars already show busy time;
    /// page-faults is minor + major.
    public static let systemWide: [CounterEvent] = [.contextSwitches, .cpuMigrations, .minorFaults, .majorFaults,
                                                     .cycles, .instructions]

    public static func < (a: CounterEvent, b: CounterEvent) -> Bool { a.rawValue < b.rawValue }
}
