/// Samples in time order, with the rates of each interval: what the panes draw at a given time.
public struct ProcHistory: Sendable {
    public private(set) var samples: [ProcSample] = []
    /// `rates[i]` covers samples i-1…i; `rates[0]` is empty.
    public private(set) var rates: [ProcRates] = []
    public var pageSize: Int
    /// The most samples kept (live sampling drops the oldest); nil keeps all (a replayed sidecar).
    public var limit: Int?

    public init(pageSize: Int = 4096, limit: Int? = nil) {
        self.pageSize = pageSize
        self.limit = limit
    }

    public init(_ samples: [ProcSample], pageSize: Int = 4096) {
        self.pageSize = pageSize
        for s in samples.sorted(by: { $0.monotonic < $1.monotonic }) { append(s) }
    }

    public var isEmpty: Bool { samples.isEmpty }
    public var count: Int { samples.count }

    public mutating func append(_ sample: ProcSample) {
        if let last = samples.last, sample.monotonic <= last.monotonic { return }
        rates.append(samples.last.map { ProcRates(from: $0, to: sample, pageSize: pageSize) } ?? ProcRates())
        samples.append(sample)
        if let limit, samples.count > limit {
            samples.removeFirst(samples.count - limit)
            rates.removeFirst(rates.count - limit)
        }
    }

    /// The last sample taken at or before `monotonic`, nil if it is before the first one.
    public func index(atOrBefore monotonic: Int64) -> Int? {
        var lo = 0, hi = samples.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if samples[mid].monotonic <= monotonic { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// Up to `count` values of `metric` ending at sample `index` (oldest first), for sparklines.
    public func series(endingAt index: Int, count: Int, _ metric: (ProcRates) -> Double) -> [Double] {
        guard index >= 1, count > 0 else { return [] }
        let start = max(1, index - count + 1)
        return (start...index).map { metric(rates[$0]) }
    }
}
