/// Durations counted in log-linear buckets, as HdrHistogram keeps them: one bucket a nanosecond below 256 ns, then
/// 128 buckets an octave, each 1/128 of it wide. A live latency view left open for hours keeps its memory bounded
/// (a few KB a row, whatever the count), and a report reads buckets, not every duration.
struct DurationBuckets: Sendable, Equatable {
    /// `counts[k]` is bucket `base + k`'s.
    private(set) var base = 0
    private(set) var counts: [Int] = []

    static let perOctave = 128

    /// The bucket of a duration (zero and below: bucket 0).
    @inline(__always)
    static func index(_ d: Int64) -> Int {
        guard d >= 2 * Int64(perOctave) else { return d <= 0 ? 0 : Int(d) }
        let octave = 63 - d.leadingZeroBitCount
        return (octave - 6) * perOctave + Int((d >> (octave - 7)) & Int64(perOctave - 1))
    }

    /// The smallest duration of bucket `i`, and its width.
    static func range(_ i: Int) -> (lower: Int64, width: Int64) {
        guard i >= 2 * perOctave else { return (Int64(i), 1) }
        let shift = i / perOctave - 1
        return (Int64(perOctave + i % perOctave) << shift, Int64(1) << shift)
    }

    @inline(__always)
    mutating func add(_ d: Int64) {
        let i = Self.index(d)
        if i >= base, i - base < counts.count {
            counts[i - base] += 1
            return
        }
        grow(to: i)
        counts[i - base] += 1
    }

    private mutating func grow(to i: Int) {
        if counts.isEmpty {
            base = i
            counts = [0]
        } else if i >= base, i - base < counts.count {
            return
        } else if i < base {
            counts.insert(contentsOf: repeatElement(0, count: base - i), at: 0)
            base = i
        } else {
            counts += repeatElement(0, count: i - base - counts.count + 1)
        }
    }

    mutating func add(_ other: DurationBuckets) {
        guard !other.counts.isEmpty else { return }
        grow(to: other.base)
        grow(to: other.base + other.counts.count - 1)
        for (k, n) in other.counts.enumerated() where n > 0 { counts[other.base + k - base] += n }
    }

    /// The durations at the nearest ranks `ranks` (ascending, 1-based): each bucket's middle, within `low...high`.
    func values(atRanks ranks: [Int], low: Int64, high: Int64) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(ranks.count)
        var seen = 0, next = 0
        for (k, n) in counts.enumerated() where n > 0 {
            seen += n
            while next < ranks.count, ranks[next] <= seen {
                let (lower, width) = Self.range(base + k)
                out.append(Swift.min(high, Swift.max(low, lower + (width - 1) / 2)))
                next += 1
            }
            if next == ranks.count { break }
        }
        while out.count < ranks.count { out.append(high) }
        return out
    }

    /// The count of each log2 slot (`LatencyStats.slot`): a bucket lies within one.
    func slots(into slots: inout [Int]) {
        for (k, n) in counts.enumerated() where n > 0 {
            slots[LatencyStats.slot(Self.range(base + k).lower)] += n
        }
    }
}
