/// The durations of one latency row summarised: count, total, min, max, spread, log2 histogram, percentiles,
/// and its worst occurrences (with the rows to jump to).
public struct LatencyStats: Sendable, Equatable {
    public var count = 0
    public var total: Int64 = 0
    public var min: Int64 = 0
    public var max: Int64 = 0
    /// Standard deviation of the durations, ns.
    public var stddev: Double = 0
    /// `perf trace -s`'s stddev column: the standard error of the mean as a percentage of the mean.
    public var stddevPercent: Double = 0
    public var p50: Int64 = 0
    public var p90: Int64 = 0
    public var p99: Int64 = 0
    /// `histogram[k]` counts durations in [2^(k-1), 2^k) ns (`histogram[0]`: zero), as runqlat's log2 slots.
    public var histogram: [Int] = []
    /// The longest occurrences, longest first.
    public var worst: [LatencyOccurrence] = []

    public var average: Int64 { count > 0 ? total / Int64(count) : 0 }

    public init() {}

    /// The log2 slot of a duration.
    @inline(__always)
    public static func slot(_ duration: Int64) -> Int { duration <= 0 ? 0 : 64 - duration.leadingZeroBitCount }

    /// The lower bound of slot `k`, ns.
    public static func slotStart(_ k: Int) -> Int64 { k == 0 ? 0 : Int64(1) << (k - 1) }
}

/// One measured interval: where it starts and ends in time and in the store's rows.
public struct LatencyOccurrence: Sendable, Equatable {
    public var duration: Int64
    public var start: Int64
    public var end: Int64
    public var startRow: Int
    public var endRow: Int
    /// The thread it happened to (-1 when not a task's: an I/O request).
    public var pid: Int32

    public init(duration: Int64, start: Int64, end: Int64, startRow: Int, endRow: Int, pid: Int32) {
        self.duration = duration
        self.start = start
        self.end = end
        self.startRow = startRow
        self.endRow = endRow
        self.pid = pid
    }
}
