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
        var analyzer = LatencyAnalyzer(options)
        analyzer.consume(self)
        return analyzer.report()
    }
}

/// The latency passes kept between snapshots of a growing store (the live view): `consume` reads only the rows
/// added since the last call, so a refresh costs the new events plus `report`'s
/// walk of each row's buckets (`LatencyAccumulator`), however long the session.
///
/// Rows the store evicted (live capture) keep their absolute numbers inside; `report` gives occurrences' rows in
/// the last consumed store's numbering (negative: evicted since). A scope's `rows` and `selection` apply to one
/// `consume` (the whole-store call); its time window to every call.
public struct LatencyAnalyzer: Sendable {
    public let options: LatencyOptions
    private var sched: SchedLatencyPass?
    private var syscalls: SyscallLatencyPass?
    private var irq: IRQLatencyPass?
    private var block: BlockLatencyPass?
    /// Absolute rows read so far (evicted rows included).
    public private(set) var consumed = 0
    private var evicted = 0

    public init(_ options: LatencyOptions = LatencyOptions()) {
        self.options = options
    }

    /// Reads the rows of `store` not read yet (all of them the first time, within the options' scope).
    public mutating func consume(_ store: EventStore) {
        let first = consumed == 0
        let from = max(0, consumed - store.evictedRows)
        guard from < store.count || first else { return }
        let table = LatencyEventKind.table(store.eventNames)
        var scope = options.scope
        if !first || scope.rows == nil { scope.rows = from..<store.count }
        if !first { scope.selection = nil }
        let sections = options.sections
        if sections.contains(.sched) {
            if sched == nil {
                sched = SchedLatencyPass(store: store, kinds: table.kinds, keep: options.worst, rules: options.schedRules)
            }
            sched!.update(store: store, kinds: table.kinds)
            sched!.rowBase = store.evictedRows
            sched!.run(scope)
        }
        if sections.contains(.syscalls) {
            if syscalls == nil {
                syscalls = SyscallLatencyPass(store: store, kinds: table.kinds, syscallOf: table.syscall, keep: options.worst)
            }
            syscalls!.update(store: store, kinds: table.kinds, syscallOf: table.syscall)
            syscalls!.rowBase = store.evictedRows
            syscalls!.run(scope)
        }
        if sections.contains(.irq) {
            if irq == nil { irq = IRQLatencyPass(store: store, kinds: table.kinds, keep: options.worst) }
            irq!.update(store: store, kinds: table.kinds)
            irq!.rowBase = store.evictedRows
            irq!.run(scope)
        }
        if sections.contains(.block) {
            if block == nil { block = BlockLatencyPass(store: store, kinds: table.kinds, keep: options.worst) }
            block!.update(store: store, kinds: table.kinds)
            block!.rowBase = store.evictedRows
            block!.run(scope)
        }
        consumed = store.evictedRows + store.count
        evicted = store.evictedRows
    }

    /// The sections measured so far.
    public func report() -> LatencyReport {
        var report = LatencyReport()
        if let sched {
            report.sched = sched.rows(options.grouping)
            report.notes += sched.notes
        }
        if let syscalls {
            report.syscalls = syscalls.rows()
            report.syscallsByTask = syscalls.taskRows(options.grouping)
            report.notes += syscalls.notes
        }
        if let irq { report.irq = irq.rows() }
        if let block { report.block = block.rows() }
        return evicted == 0 ? report : report.shiftingRows(by: -evicted)
    }
}

extension LatencyReport {
    /// The same report with every occurrence's rows moved by `delta`.
    func shiftingRows(by delta: Int) -> LatencyReport {
        func shift(_ s: inout LatencyStats) {
            for k in s.worst.indices {
                s.worst[k].startRow += delta
                s.worst[k].endRow += delta
            }
        }
        var r = self
        for k in r.sched.indices { shift(&r.sched[k].delay) }
        for k in r.syscalls.indices { shift(&r.syscalls[k].duration) }
        for t in r.syscallsByTask.indices {
            for k in r.syscallsByTask[t].syscalls.indices { shift(&r.syscallsByTask[t].syscalls[k].duration) }
        }
        for k in r.irq.indices { shift(&r.irq[k].duration) }
        for k in r.block.indices { shift(&r.block[k].latency) }
        return r
    }
}
