extension EventStore {
    /// The first row stamped at or after `t`, by binary search (rows are in time order; in a trace whose
    /// CPUs interleave slightly out of order the answer is a row near `t`). `count` when every row is earlier.
    public func firstRow(atOrAfter t: Int64) -> Int {
        var lo = 0, hi = chunks.count
        // The chunk: the first whose last row reaches t.
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = chunks[mid]
            if c.timestamps[c.count - 1] < t { lo = mid + 1 } else { hi = mid }
        }
        guard lo < chunks.count else { return count }
        let c = chunks[lo]
        var a = 0, b = c.count
        while a < b {
            let mid = (a + b) / 2
            if c.timestamps[mid] < t { a = mid + 1 } else { b = mid }
        }
        return firstRow(ofChunk: lo) + a
    }

    /// Rows stamped in each of `count` cells of `width` ns from `from`: two binary searches a cell.
    public func rowsPerCell(from: Int64, width: Int64, count: Int) -> [Int] {
        guard count > 0, width > 0 else { return [] }
        var out = [Int](repeating: 0, count: count)
        var a = firstRow(atOrAfter: from)
        for k in 0..<count {
            let b = firstRow(atOrAfter: from &+ Int64(k + 1) &* width)
            out[k] = Swift.max(0, b - a)
            a = b
        }
        return out
    }
}
