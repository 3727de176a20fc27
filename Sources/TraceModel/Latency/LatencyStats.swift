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

/// Collects durations while a pass runs; `finish` sorts them once for the percentiles.
///
/// A live report is made again every second over all durations so far: `settle` keeps them sorted as they come
/// (the new ones sorted and merged in, linear in the total), so a report does not sort millions again each time.
struct LatencyAccumulator {
    var durations: [Int64] = []
    /// `durations[0..<sortedCount]` is in order.
    var sortedCount = 0
    var worst: [LatencyOccurrence] = []
    /// The shortest duration in `worst` once it is full: most samples fail this one compare.
    var worstFloor: Int64 = .min
    let keep: Int

    init(keep: Int) { self.keep = keep }

    var count: Int { durations.count }

    @inline(__always)
    mutating func add(_ d: Int64, start: Int64, startRow: Int, endRow: Int, pid: Int32) {
        durations.append(d)
        if d > worstFloor || worst.count < keep {
            insertWorst(LatencyOccurrence(duration: d, start: start, end: start + d, startRow: startRow,
                                          endRow: endRow, pid: pid))
        }
    }

    private mutating func insertWorst(_ o: LatencyOccurrence) {
        guard keep > 0 else { return }
        var k = worst.count
        while k > 0, worst[k - 1].duration < o.duration { k -= 1 }
        worst.insert(o, at: k)
        if worst.count > keep { worst.removeLast() }
        if worst.count == keep { worstFloor = worst[worst.count - 1].duration }
    }

    /// Sorts the durations added since the last call into the sorted ones.
    mutating func settle() {
        guard sortedCount < durations.count else { return }
        let tail = Self.sortedDurations(durations[sortedCount...])
        guard sortedCount > 0 else {
            durations = tail
            sortedCount = durations.count
            return
        }
        var merged: [Int64] = []
        merged.reserveCapacity(durations.count)
        var a = 0, b = 0
        while a < sortedCount, b < tail.count {
            if durations[a] <= tail[b] {
                merged.append(durations[a])
                a += 1
            } else {
                merged.append(tail[b])
                b += 1
            }
        }
        merged.append(contentsOf: durations[a..<sortedCount])
        merged.append(contentsOf: tail[b...])
        durations = merged
        sortedCount = durations.count
    }

    /// Durations in order: a byte-wise radix sort (a few ns each; a live second's hundreds of thousands of new
    /// durations cost several times more through a comparison sort), skipping the bytes every value shares.
    static func sortedDurations(_ values: ArraySlice<Int64>) -> [Int64] {
        guard values.count > 256, let low = values.min(), low >= 0 else { return values.sorted() }
        var a = Array(values)
        var b = [Int64](repeating: 0, count: a.count)
        let top = values.max()!
        var shift: Int64 = 0
        while shift < 64, top >> shift != 0 {
            var counts = [Int](repeating: 0, count: 257)
            a.withUnsafeBufferPointer { src in
                for v in src { counts[Int((v >> shift) & 0xFF) + 1] += 1 }
            }
            if counts[1...].contains(a.count) {
                shift += 8
                continue
            }
            for k in 1..<257 { counts[k] += counts[k - 1] }
            a.withUnsafeBufferPointer { src in
                b.withUnsafeMutableBufferPointer { dst in
                    for v in src {
                        let k = Int((v >> shift) & 0xFF)
                        dst[counts[k]] = v
                        counts[k] += 1
                    }
                }
            }
            swap(&a, &b)
            shift += 8
        }
        return a
    }

    /// The accumulator `parts` would have been had every duration gone to one, in row order: the same durations,
    /// and as worst occurrences the longest, the earlier first among equals (what `add` keeps).
    static func union(_ parts: [LatencyAccumulator]) -> LatencyAccumulator {
        guard parts.count > 1 else { return parts.first ?? LatencyAccumulator(keep: 0) }
        var out = LatencyAccumulator(keep: parts[0].keep)
        var all: [Int64] = []
        all.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts { all += p.durations }
        out.durations = sortedDurations(all[...])
        out.sortedCount = out.durations.count
        var worst = parts.flatMap(\.worst)
        worst.sort { ($0.duration, $1.endRow, $1.startRow) > ($1.duration, $0.endRow, $0.startRow) }
        out.worst = Array(worst.prefix(out.keep))
        if out.worst.count == out.keep, let last = out.worst.last { out.worstFloor = last.duration }
        return out
    }

    mutating func merge(_ other: LatencyAccumulator) {
        durations.append(contentsOf: other.durations)
        for o in other.worst where o.duration > worstFloor || worst.count < keep { insertWorst(o) }
    }

    func finish() -> LatencyStats {
        var s = LatencyStats()
        s.count = durations.count
        s.worst = worst
        guard !durations.isEmpty else { return s }
        let sorted = sortedCount == durations.count ? durations : Self.sortedDurations(durations[...])
        s.min = sorted[0]
        s.max = sorted[sorted.count - 1]
        var total: Int64 = 0
        var slots = [Int](repeating: 0, count: 65)
        var top = 0
        for d in sorted {
            total &+= d
            let k = LatencyStats.slot(d)
            slots[k] += 1
            top = Swift.max(top, k)
        }
        s.total = total
        s.histogram = Array(slots[0...top])
        let n = Double(sorted.count)
        let mean = Double(total) / n
        var m2 = 0.0
        for d in sorted {
            let x = Double(d) - mean
            m2 += x * x
        }
        if sorted.count > 1 {
            let variance = m2 / (n - 1)
            s.stddev = variance.squareRoot()
            s.stddevPercent = mean > 0 ? 100 * (variance / n).squareRoot() / mean : 0
        }
        s.p50 = Self.percentile(sorted, 50)
        s.p90 = Self.percentile(sorted, 90)
        s.p99 = Self.percentile(sorted, 99)
        return s
    }

    /// Nearest rank: the smallest duration with at least `p` % of them at or below it.
    static func percentile(_ sorted: [Int64], _ p: Int) -> Int64 {
        let rank = (sorted.count * p + 99) / 100
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }
}
