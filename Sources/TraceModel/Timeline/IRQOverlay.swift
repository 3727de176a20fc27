/// Hard irq and softirq handler time on one CPU lane: where the thin overlay is drawn.
///
/// Keeping every handler interval costs 16 bytes each, and a busy CPU takes two or three per switch: more than the
/// whole lane. The store holds the handler rows anyway, so the overlay keeps only a bit per bucket (did a handler
/// run in it) and the longest handler's duration, and reads the rows again for the cells it draws: exactly, when
/// the window holds at most `budget` rows; from the bits (edge buckets counted whole) beyond that.
struct IRQOverlay: Sendable {
    let cpu: Int
    let host: UInt16
    /// Bucket `b` spans `origin + b << shift ..< origin + (b + 1) << shift`: one grid for every lane of a build,
    /// fixed before it (about 64 of the store's rows a bucket), so intervals set their bits as they close.
    let shift: Int
    let origin: Int64
    /// Up to the last bucket a handler ran in.
    private(set) var bits: [UInt64] = []
    /// The longest handler (outermost entry to its exit): a scan that starts this long before a window sees the
    /// entry of any handler still open at the window's start.
    private(set) var longest: Int64 = 0
    /// The store's rows, read again for exact cells.
    var rows: IRQRows?
    private(set) var intervals = 0

    init(cpu: Int, host: UInt16 = 0, origin: Int64 = 0, shift: Int = 0) {
        self.cpu = cpu
        self.host = host
        self.origin = origin
        self.shift = shift
    }

    /// The grid of a build over `store`: about `rowsPerBucket` rows a bucket over its time span.
    static func grid(_ store: EventStore, rowsPerBucket: Int = 64) -> (origin: Int64, shift: Int) {
        let origin = store.summary.firstTimestamp ?? 0
        let span = Swift.max(1, (store.summary.lastTimestamp ?? origin) - origin)
        let buckets = Int64(Swift.max(1, store.count / rowsPerBucket))
        var shift = 0
        while (Int64(1) << Int64(shift)) * buckets < span, shift < 62 { shift += 1 }
        return (origin, shift)
    }

    /// A handler ran over [s, e).
    mutating func add(_ s: Int64, _ e: Int64) {
        intervals += 1
        longest = Swift.max(longest, e - s)
        guard e > s else { return }
        let last = bucket(e - 1)
        if last >> 6 >= bits.count { bits += [UInt64](repeating: 0, count: Swift.max(last >> 6 + 1 - bits.count, bits.count / 2)) }
        for b in bucket(s)...last { bits[b >> 6] |= 1 << UInt64(b & 63) }
    }

    /// Exact size once built (growth leaves up to a third unused).
    mutating func finish(rows: IRQRows?) {
        self.rows = rows
        var n = bits.count
        while n > 0, bits[n - 1] == 0 { n -= 1 }
        bits = Array(bits[0..<n])
    }

    var isEmpty: Bool { intervals == 0 }

    var bytes: Int { bits.count * 8 + 16 }

    @inline(__always)
    private func bucket(_ t: Int64) -> Int { Swift.max(0, Int((t &- origin) >> Int64(shift))) }

    /// Which of `count` cells of `width` ns from `from` a handler ran in.
    func cells(from: Int64, width: Int64, count: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: Swift.max(0, count))
        guard !isEmpty, width > 0, count > 0 else { return out }
        let to = from &+ width &* Int64(count)
        func mark(_ s: Int64, _ e: Int64) {
            let a = Swift.max(s, from), b = Swift.min(e, to)
            guard b > a else { return }
            for c in Int((a - from) / width)...Int((b - 1 - from) / width) { out[c] = true }
        }
        if let rows, rows.intervals(cpu: cpu, host: host, from: from, to: to, longest: longest, mark) { return out }
        // Too many rows to read for one frame: the buckets.
        let nb = bits.count * 64
        for c in 0..<out.count {
            let a = from &+ Int64(c) &* width, b = a &+ width
            guard b > origin else { continue }
            let first = Swift.max(0, bucket(Swift.max(a, origin))), last = Swift.min(nb - 1, bucket(b - 1))
            guard first <= last else { continue }
            for k in first...last where bits[k >> 6] & (1 << UInt64(k & 63)) != 0 {
                out[c] = true
                break
            }
        }
        return out
    }

    /// The handler intervals overlapping [from, to), read from the rows (nil: more rows than the budget).
    func intervals(from: Int64, to: Int64) -> [(start: Int64, end: Int64)]? {
        guard let rows else { return nil }
        var out: [(start: Int64, end: Int64)] = []
        guard rows.intervals(cpu: cpu, host: host, from: from, to: to, longest: longest, { out.append(($0, $1)) }) else { return nil }
        return out
    }
}

/// A store's handler rows: which events enter (+1) and leave (-1) a handler, and how many rows a frame may read.
struct IRQRows: Sendable {
    let store: EventStore
    let step: [Int8]
    let wanted: [Bool]
    let budget: Int

    init(store: EventStore, step: [Int8], budget: Int) {
        self.store = store
        self.step = step
        wanted = step.map { $0 != 0 }
        self.budget = budget
    }

    /// Calls `body` with each outermost handler interval on `cpu` that overlaps [from, to), as the build made
    /// them: an exit with nothing open is ignored, an interval ending before the previous one is dropped. False
    /// (nothing called) when the rows to read pass the budget.
    func intervals(cpu: Int, host: UInt16 = 0, from: Int64, to: Int64, longest: Int64, _ body: (Int64, Int64) -> Void) -> Bool {
        // From `longest` before the window (the entry of a handler open at its start) to `longest` after it (the
        // exit of one open at its end). Unmatched exits before the first entry are ignored, so depth counted from
        // zero there is right again by the first handler that matters.
        let a = store.firstRow(atOrAfter: from &- longest), b = store.firstRow(atOrAfter: to &+ longest &+ 1)
        guard b - a <= budget else { return false }
        var nesting = HandlerNesting()
        let c16 = UInt16(truncatingIfNeeded: cpu)
        store.forEachRow(in: LatencyScope(rows: a..<b), wanted: wanted) { c, i, _ in
            guard c.cpus[i] == c16, c.host(at: i) == host,
                  let (since, t) = nesting.step(entry: step[Int(c.events[i])] > 0, at: c.timestamps[i]) else { return }
            if t > from, since < to { body(since, t) }
        }
        return true
    }
}

/// Nested handler entries and exits on one CPU, to the outermost intervals: an exit with nothing open (the trace
/// began inside the handler) is ignored, as is an interval ending before the previous one (rows out of order).
struct HandlerNesting: Sendable {
    private var depth = 0
    private var since: Int64 = 0
    private var lastEnd = Int64.min

    /// The outermost interval this entry or exit closes.
    @inline(__always)
    mutating func step(entry: Bool, at t: Int64) -> (Int64, Int64)? {
        if entry {
            if depth == 0 { since = t }
            depth += 1
            return nil
        }
        guard depth > 0 else { return nil }
        depth -= 1
        guard depth == 0, t >= since, t >= lastEnd else { return nil }
        lastEnd = t
        return (since, t)
    }
}
