import TraceModel

/// Work over many rows done a slice per frame, so the screen stays responsive on millions of rows:
/// the filter's matching rows, and the search's matching positions.
struct RowScan {
    /// Rows (store indices, or positions in the visible list) found so far, ascending.
    private(set) var found: [UInt32] = []
    /// How far the scan has come, in the same units as `found`.
    private(set) var scanned = 0

    func isComplete(total: Int) -> Bool { scanned >= total }

    /// Scans up to `budget` more of [scanned, total) with `test`.
    mutating func advance(total: Int, budget: Int, test: (Int) -> Bool) {
        let end = min(total, scanned + budget)
        guard scanned < end else { return }
        for i in scanned..<end where test(i) { found.append(UInt32(i)) }
        scanned = end
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
