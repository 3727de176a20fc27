/// One program's cost over an interval between two inventories: what `bpftool prog profile` would take a
/// session to say, from the cumulative `run_cnt` and `run_time_ns`.
public struct BpfRate: Sendable, Equatable {
    public var runs: UInt64 = 0
    public var runTimeNs: UInt64 = 0
    public var intervalNs: Int64 = 0

    public init(runs: UInt64 = 0, runTimeNs: UInt64 = 0, intervalNs: Int64 = 0) {
        self.runs = runs
        self.runTimeNs = runTimeNs
        self.intervalNs = intervalNs
    }

    /// Run time as a share of one CPU over the interval, in percent.
    public var cpuPercent: Double {
        intervalNs > 0 ? Double(runTimeNs) / Double(intervalNs) * 100 : 0
    }

    /// Average ns per run in the interval; nil when it did not run.
    public var nsPerRun: Double? { runs > 0 ? Double(runTimeNs) / Double(runs) : nil }

    public var runsPerSecond: Double { intervalNs > 0 ? Double(runs) / (Double(intervalNs) / 1e9) : 0 }

    /// The rate of program `id` from `before` to `after`; nil when it is not in both (loaded or unloaded in
    /// between: its counters since load are not one interval's). Counters that went down (a program id reused
    /// after an unload) count as no runs, never a negative rate.
    public static func between(_ before: BpfInventory, _ after: BpfInventory, id: UInt32) -> BpfRate? {
        guard let a = before.program(id: id), let b = after.program(id: id) else { return nil }
        return between(a, b, intervalNs: after.monotonic - before.monotonic)
    }

    public static func between(_ a: BpfProgram, _ b: BpfProgram, intervalNs: Int64) -> BpfRate {
        guard b.runCount >= a.runCount, b.runTimeNs >= a.runTimeNs, a.tag == b.tag else {
            return BpfRate(intervalNs: max(0, intervalNs))
        }
        return BpfRate(runs: b.runCount - a.runCount, runTimeNs: b.runTimeNs - a.runTimeNs, intervalNs: max(0, intervalNs))
    }

    /// Up to `count` values of `metric` for program `id` over the inventories ending at `index` (oldest first),
    /// 0 for intervals it was not in both ends of: a sparkline's history.
    public static func series(_ inventories: [BpfInventory?], endingAt index: Int, count: Int, id: UInt32,
                              _ metric: (BpfRate) -> Double) -> [Double] {
        guard index >= 1, index < inventories.count, count > 0 else { return [] }
        let start = max(1, index - count + 1)
        return (start...index).map { i in
            guard let a = inventories[i - 1], let b = inventories[i], let r = between(a, b, id: id) else { return 0 }
            return metric(r)
        }
    }
}
