import TraceModel

/// One line of the latency table, whatever the section: its name, the durations behind it, and the cells of
/// the section's other columns.
struct LatencyRow: Sendable {
    var label: String
    var stats: LatencyStats
    /// What the `total` sort orders by: run time (sched), summed durations (the others).
    var total: Int64
    var cells: [String]

    /// The section's columns after the name: titles and widths.
    static func columns(_ section: LatencySection) -> [(title: String, width: Int)] {
        switch section {
        case .sched:
            return [("Runtime", 10), ("Switches", 8), ("Avg delay", 10), ("Max delay", 10), ("Max at", 13),
                    ("Runnable", 10), ("Sleep", 10), ("Blocked", 10)]
        case .syscalls:
            return [("Calls", 8), ("Errors", 6), ("Total", 10), ("Min", 10), ("Avg", 10), ("Max", 10), ("Stddev", 7)]
        case .irq:
            return [("Count", 8), ("Total", 10), ("Avg", 10), ("p99", 10), ("Max", 10)]
        case .block:
            return [("I/Os", 8), ("Bytes", 9), ("Avg", 10), ("p99", 10), ("Max", 10)]
        }
    }

    static func nameTitle(_ section: LatencySection) -> String {
        switch section {
        case .sched: return "Task"
        case .syscalls: return "Syscall"
        case .irq: return "Handler"
        case .block: return "Device"
        }
    }

    /// The section's rows of `report`, sorted by `key` (ties by name, so the order is stable).
    static func rows(of report: LatencyReport, _ section: LatencySection, sortedBy key: LatencySortKey,
                     clock: TimestampClock = .seconds) -> [LatencyRow] {
        var rows: [LatencyRow]
        switch section {
        case .sched:
            rows = report.sched.map { r in
                LatencyRow(label: label(r.comm, r.pids), stats: r.delay, total: r.runtime, cells: [
                    d(r.runtime), "\(r.switches)", d(r.delay.average), d(r.delay.max),
                    r.delay.count > 0 ? TimeFormat.timestamp(r.maxDelayStart, clock: clock) : "-",
                    d(r.runnable), d(r.sleep), d(r.blocked),
                ])
            }
        case .syscalls:
            // Every task's calls first (perf trace -s's summary), then each task's own when grouped.
            rows = report.syscalls.map { syscallRow($0, label: $0.name) }
            for task in report.syscallsByTask {
                rows += task.syscalls.map { syscallRow($0, label: label(task.comm, task.pids) + " › " + $0.name) }
            }
        case .irq:
            rows = report.irq.map { r in
                let name = r.kind == .irq ? "irq \(r.number) \(r.name)" : "softirq \(r.name)"
                return LatencyRow(label: name, stats: r.duration, total: r.duration.total, cells: [
                    "\(r.duration.count)", d(r.duration.total), d(r.duration.average), d(r.duration.p99), d(r.duration.max),
                ])
            }
        case .block:
            rows = report.block.map { r in
                LatencyRow(label: r.device, stats: r.latency, total: r.latency.total, cells: [
                    "\(r.ios)", StatusBar.byteCount(Int(clamping: r.bytes)), d(r.latency.average), d(r.latency.p99),
                    d(r.latency.max),
                ])
            }
        }
        rows.sort { a, b in
            switch key {
            case .worst where a.stats.max != b.stats.max: return a.stats.max > b.stats.max
            case .total where a.total != b.total: return a.total > b.total
            case .count where a.stats.count != b.stats.count: return a.stats.count > b.stats.count
            default: return a.label < b.label
            }
        }
        return rows
    }

    private static func syscallRow(_ r: SyscallLatencyRow, label: String) -> LatencyRow {
        let s = r.duration
        return LatencyRow(label: label, stats: s, total: s.total, cells: [
            "\(r.calls)", "\(r.errors)", d(s.total), d(s.min), d(s.average), d(s.max),
            Self.percent(s.stddevPercent),
        ])
    }

    /// `comm:pid` for one thread, `comm (n threads)` for a comm's several.
    static func label(_ comm: String, _ pids: [Int32]) -> String {
        pids.count == 1 ? "\(comm):\(pids[0])" : "\(comm) (\(pids.count) threads)"
    }

    private static func d(_ ns: Int64) -> String { TimeFormat.duration(nanoseconds: ns) }

    private static func percent(_ p: Double) -> String {
        let tenths = Int((p * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
