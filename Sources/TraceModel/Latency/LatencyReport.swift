/// The answers of `tracetui latency`: scheduling delay per task, syscall times, irq handler times, block I/O
/// latency — each row with its histogram, percentiles and worst occurrences.
public struct LatencyReport: Sendable, Equatable {
    public var sched: [SchedLatencyRow] = []
    public var syscalls: [SyscallLatencyRow] = []
    /// The same per task (`perf trace -s` prints one table per thread).
    public var syscallsByTask: [SyscallTaskRow] = []
    public var irq: [IRQLatencyRow] = []
    public var block: [BlockLatencyRow] = []
    /// What could not be measured and why (events missing, unmatched pairs).
    public var notes: [String] = []

    public init() {}
}

/// A section of the report.
public enum LatencySection: String, CaseIterable, Sendable {
    case sched, syscalls, irq, block
}

/// How tasks are grouped: by command name as `perf sched latency` does, or one row per thread (`--pids`).
public enum LatencyGrouping: String, CaseIterable, Sendable {
    case comm, pid
}

/// One task (or all threads of one comm): `perf sched latency`'s row and where the task's time went.
public struct SchedLatencyRow: Sendable, Equatable {
    public var comm: String
    public var pids: [Int32]
    /// On-CPU time: the sum of `sched_stat_runtime` when the trace has it (as perf), else switch-in to switch-out.
    public var runtime: Int64
    /// Scheduling delays measured (perf's "Switches"): switch-ins after a wakeup or a preemption.
    public var switches: Int { delay.count }
    /// Wakeup (or preemption) to the `sched_switch` that runs the task.
    public var delay: LatencyStats
    public var maxDelayStart: Int64 { delay.worst.first?.start ?? 0 }
    public var maxDelayEnd: Int64 { delay.worst.first?.end ?? 0 }
    /// Time waiting for a CPU (the delays' sum), asleep after switching out in `S` (or any state but `D`/`R`),
    /// and blocked after switching out in `D`, each up to the wakeup.
    public var runnable: Int64
    public var sleep: Int64
    public var blocked: Int64
}

/// One syscall's calls, failures and durations (`perf trace -s`).
public struct SyscallLatencyRow: Sendable, Equatable {
    public var name: String
    public var calls: Int { duration.count }
    /// Calls that returned a negative value.
    public var errors: Int
    public var duration: LatencyStats
}

/// A task's syscalls.
public struct SyscallTaskRow: Sendable, Equatable {
    public var comm: String
    public var pids: [Int32]
    public var syscalls: [SyscallLatencyRow]
}

/// A hard irq line or a softirq vector: handler entry to exit on the same CPU.
public struct IRQLatencyRow: Sendable, Equatable {
    public enum Kind: String, Sendable { case irq, softirq }
    public var kind: Kind
    public var number: Int
    public var name: String
    public var duration: LatencyStats
}

/// One block device: requests from issue (or insert) to completion.
public struct BlockLatencyRow: Sendable, Equatable {
    /// `major,minor` as the tracepoints print it.
    public var device: String
    public var ios: Int { latency.count }
    public var bytes: Int64
    public var latency: LatencyStats
}

/// What to measure.
public struct LatencyOptions: Sendable, Equatable {
    public var sections: Set<LatencySection>
    public var grouping: LatencyGrouping
    public var scope: LatencyScope
    /// Worst occurrences kept per row.
    public var worst: Int
    /// Which perf's scheduling-delay rules to follow.
    public var schedRules: SchedDelayRules = .current

    public init(sections: Set<LatencySection> = Set(LatencySection.allCases), grouping: LatencyGrouping = .comm,
                scope: LatencyScope = .all, worst: Int = 10) {
        self.sections = sections
        self.grouping = grouping
        self.scope = scope
        self.worst = worst
    }
}

extension EventStore {
    /// Measures the chosen sections over the rows in scope. Pure; each section is one pass over the columns.
    public func latency(_ options: LatencyOptions = LatencyOptions()) -> LatencyReport {
        var report = LatencyReport()
        let table = LatencyEventKind.table(eventNames)
        if options.sections.contains(.sched) {
            var pass = SchedLatencyPass(store: self, kinds: table.kinds, keep: options.worst, rules: options.schedRules)
            pass.run(options.scope)
            report.sched = pass.rows(options.grouping)
            report.notes += pass.notes
        }
        if options.sections.contains(.syscalls) {
            var pass = SyscallLatencyPass(store: self, kinds: table.kinds, syscallOf: table.syscall, keep: options.worst)
            pass.run(options.scope)
            report.syscalls = pass.rows()
            report.syscallsByTask = pass.taskRows(options.grouping)
            report.notes += pass.notes
        }
        if options.sections.contains(.irq) {
            var pass = IRQLatencyPass(store: self, kinds: table.kinds, keep: options.worst)
            pass.run(options.scope)
            report.irq = pass.rows()
        }
        if options.sections.contains(.block) {
            var pass = BlockLatencyPass(store: self, kinds: table.kinds, keep: options.worst)
            pass.run(options.scope)
            report.block = pass.rows()
        }
        return report
    }
}
