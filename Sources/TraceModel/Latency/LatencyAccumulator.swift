/// Collects durations while a pass runs, and summarises them (`finish`).
///
/// Count, total, minimum, maximum and the sum of squares are kept as exact running sums, so `finish` reads no
/// duration again; the first `exactLimit` durations are kept as they are (their percentiles exact), and past that
/// they are counted in `DurationBuckets` (percentiles within 1/256 of their value). The live view reports every
/// second over all durations so far: sorting or merging them all each time made the refresh cost grow with the
/// session, and keeping 8 bytes a call made its memory grow too. The summary depends only on the durations, not
/// on the order they came in or how they were split and merged (`union`, `merge`).
struct LatencyAccumulator {
    static let exactLimit = 1024

    private(set) var count = 0
    private(set) var total: Int64 = 0
    private(set) var low: Int64 = .max
    private(set) var high: Int64 = .min
    /// Σ d², exact (2^128 holds 2^40 calls of 2^40 ns).
    private var squares: UInt128 = 0
    /// The durations while `count <= exactLimit`, then empty.
    private var exact: [Int64] = []
    /// The durations once `count > exactLimit`.
    private var buckets = DurationBuckets()
    var worst: [LatencyOccurrence] = []
    /// The shortest duration in `worst` once it is full: most samples fail this one compare.
    var worstFloor: Int64 = .min
    let keep: Int

    init(keep: Int) { self.keep = keep }

    /// What it holds: durations kept as they are plus bucket counts.
    var storedCounts: Int { exact.count + buckets.counts.count }

    @inline(__always)
    mutating func add(_ d: Int64, start: Int64, startRow: Int, endRow: Int, pid: Int32) {
        note(d)
        if d > worstFloor || worst.count < keep {
            insertWorst(LatencyOccurrence(duration: d, start: start, end: start + d, startRow: startRow,
                                          endRow: endRow, pid: pid))
        }
    }

    @inline(__always)
    private mutating func note(_ d: Int64) {
        count += 1
        total &+= d
        low = Swift.min(low, d)
        high = Swift.max(high, d)
        let m = d.magnitude.multipliedFullWidth(by: d.magnitude)
        squares &+= UInt128(m.high) << 64 | UInt128(m.low)
        if count <= Self.exactLimit {
            exact.append(d)
        } else {
            if !exact.isEmpty { spill() }
            buckets.add(d)
        }
    }

    /// From the exact durations to buckets, once past the limit.
    private mutating func spill() {
        for d in exact { buckets.add(d) }
        exact = []
    }

    private mutating func insertWorst(_ o: LatencyOccurrence) {
        guard keep > 0 else { return }
        var k = worst.count
        while k > 0, worst[k - 1].duration < o.duration { k -= 1 }
        worst.insert(o, at: k)
        if worst.count > keep { worst.removeLast() }
        if worst.count == keep { worstFloor = worst[worst.count - 1].duration }
    }

    /// Adds another accumulator's durations (its worst occurrences go through `add`'s rule).
    mutating func merge(_ other: LatencyAccumulator) {
        absorb(other)
        for o in other.worst where o.duration > worstFloor || worst.count < keep { insertWorst(o) }
    }

    private mutating func absorb(_ other: LatencyAccumulator) {
        guard other.count > 0 else { return }
        count += other.count
        total &+= other.total
        low = Swift.min(low, other.low)
        high = Swift.max(high, other.high)
        squares &+= other.squares
        if count <= Self.exactLimit {
            exact += other.exact
        } else {
            if !exact.isEmpty { spill() }
            for d in other.exact { buckets.add(d) }
            buckets.add(other.buckets)
        }
    }

    /// The accumulator `parts` would have been had every duration gone to one, in row order: the same durations,
    /// and as worst occurrences the longest, the earlier first among equals (what `add` keeps).
    static func union(_ parts: [LatencyAccumulator]) -> LatencyAccumulator {
        guard parts.count > 1 else { return parts.first ?? LatencyAccumulator(keep: 0) }
        var out = LatencyAccumulator(keep: parts[0].keep)
        for p in parts { out.absorb(p) }
        var worst = parts.flatMap(\.worst)
        worst.sort { ($0.duration, $1.endRow, $1.startRow) > ($1.duration, $0.endRow, $0.startRow) }
        out.worst = Array(worst.prefix(out.keep))
        if out.worst.count == out.keep, let last = out.worst.last { out.worstFloor = last.duration }
        return out
    }

    func finish() -> LatencyStats {
        var s = LatencyStats()
        s.count = count
        s.worst = worst
        guard count > 0 else { return s }
        s.min = low
        s.max = high
        s.total = total
        var slots = [Int](repeating: 0, count: 65)
        let ranks = [50, 90, 99].map { p in Swift.max(1, Swift.min(count, (count * p + 99) / 100)) }
        let percentiles: [Int64]
        if exact.isEmpty {
            buckets.slots(into: &slots)
            percentiles = buckets.values(atRanks: ranks, low: low, high: high)
        } else {
            for d in exact { slots[LatencyStats.slot(d)] += 1 }
            let sorted = exact.sorted()
            percentiles = ranks.map { sorted[$0 - 1] }
        }
        s.histogram = Array(slots[0...(slots.lastIndex { $0 > 0 } ?? 0)])
        (s.p50, s.p90, s.p99) = (percentiles[0], percentiles[1], percentiles[2])
        if count > 1 {
            let variance = spread() / Double(count - 1)
            let n = Double(count), mean = Double(total) / n
            s.stddev = variance.squareRoot()
            s.stddevPercent = mean > 0 ? 100 * (variance / n).squareRoot() / mean : 0
        }
        return s
    }

    /// Σ (d − mean)² = Σ d² − (Σ d)² / n, from the exact sums: the integer part exactly, the fraction in Double.
    private func spread() -> Double {
        let n = UInt128(count)
        let sum = UInt128(total.magnitude)
        let (quotient, remainder) = (sum * sum).quotientAndRemainder(dividingBy: n)
        guard squares >= quotient else { return 0 }
        return Swift.max(0, Double(squares - quotient) - Double(remainder) / Double(n))
    }
}
