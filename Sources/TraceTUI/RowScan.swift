import TraceModel

/// Work over many rows done a slice per frame, so the screen stays responsive on millions of rows:
/// the filter's matching rows, and the search's matching positions.
struct RowScan {
    /// Rows (store indices, or positions in the visible list) found so far, ascending.
    private(set) var found: [UInt32] = []
    /// How far the scan has come, in the same units as `found`.
    private(set) var scanned = 0

    func isComplete(total: Int) -> Bool { scanned >= total }

    /// The longest a slice runs: however slow the test (a regex over long lines), keys are read between slices,
    /// so Esc and q answer within about this long (issue 14: 100 ms).
    static let sliceTime: Duration = .milliseconds(40)

    /// Scans up to `budget` more of [scanned, total) with `test`, stopping early once a slice has run `sliceTime`.
    /// Which rows match never depends on the time, only how many slices it takes.
    mutating func advance(total: Int, budget: Int, test: (Int) -> Bool) {
        let end = min(total, scanned + budget)
        guard scanned < end else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + Self.sliceTime
        var i = scanned
        while i < end {
            // The clock is read every 16 rows (~20 ns, beside a test of 50 ns and more a row).
            let stop = min(end, i + 16)
            while i < stop {
                if test(i) { found.append(UInt32(i)) }
                i += 1
            }
            if clock.now >= deadline { break }
        }
        scanned = i
    }

    /// Index in `found` of the first entry ≥ value.
    func lowerBound(_ value: Int) -> Int {
        var lo = 0, hi = found.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(found[mid]) < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
