/// Which rows a latency pass reads: a row range, the stream filter's matching rows, and the A–B time window.
///
/// An interval is measured when both of its events are in scope, so a filter that keeps only `sched_switch`
/// rows leaves no wakeups to measure from (as the other views, the numbers follow what the stream shows).
public struct LatencyScope: Sendable, Equatable {
    /// Global rows to read (nil: all).
    public var rows: Range<Int>?
    /// Sorted global rows to read, e.g. the stream filter's matches (nil: every row in `rows`).
    public var selection: [Int]?
    /// Only events stamped within this window (the A–B markers).
    public var time: ClosedRange<Int64>?

    public init(rows: Range<Int>? = nil, selection: [Int]? = nil, time: ClosedRange<Int64>? = nil) {
        self.rows = rows
        self.selection = selection
        self.time = time
    }

    public static let all = LatencyScope()
}

extension EventStore {
    /// Calls `body(chunk, index in chunk, global row)` for every row in scope whose event `wanted[event id]` is true,
    /// in order (the test runs on the event column alone, so a pass skips the rows it ignores without touching them).
    @inline(__always)
    func forEachRow(in scope: LatencyScope, wanted: [Bool], _ body: (EventChunk, Int, Int) -> Void) {
        let lower = Swift.max(0, scope.rows?.lowerBound ?? 0)
        let upper = Swift.min(count, scope.rows?.upperBound ?? count)
        guard lower < upper else { return }
        let window = scope.time
        if let selection = scope.selection {
            var k = 0
            for row in selection where row >= lower && row < upper {
                while k + 1 < chunks.count, firstRow(ofChunk: k + 1) <= row { k += 1 }
                let c = chunks[k]
                let i = row - firstRow(ofChunk: k)
                guard wanted[Int(c.events[i])] else { continue }
                if let w = window, !w.contains(c.timestamps[i]) { continue }
                body(c, i, row)
            }
            return
        }
        for k in chunks.indices {
            let start = firstRow(ofChunk: k)
            let c = chunks[k]
            let from = Swift.max(lower, start) - start
            let to = Swift.min(upper, start + c.count) - start
            guard from < to else { continue }
            wanted.withUnsafeBufferPointer { want in
                c.events.withUnsafeBufferPointer { events in
                    c.timestamps.withUnsafeBufferPointer { ts in
                        for i in from..<to where want[Int(events[i])] {
                            if let w = window, !w.contains(ts[i]) { continue }
                            body(c, i, start + i)
                        }
                    }
                }
            }
        }
    }
}

extension EventChunk {
    /// The event's own text (after `name:`), as bytes.
    @inline(__always)
    func payload(_ i: Int) -> UnsafeRawBufferPointer {
        let l = line(i)
        let off = Swift.min(payloadOffset(i), l.count)
        return UnsafeRawBufferPointer(rebasing: l[off...])
    }
}

extension EventStore {
    /// Calls `body(chunk, rows of the chunk in scope, the chunk's first global row)` for every chunk with rows in
    /// `scope.rows` (a pass then reads its columns through buffers; `selection` and `time` are the caller's).
    func forEachChunk(in scope: LatencyScope, _ body: (EventChunk, Range<Int>, Int) -> Void) {
        let lower = Swift.max(0, scope.rows?.lowerBound ?? 0)
        let upper = Swift.min(count, scope.rows?.upperBound ?? count)
        guard lower < upper else { return }
        for k in chunks.indices {
            let start = firstRow(ofChunk: k)
            let c = chunks[k]
            let from = Swift.max(lower, start) - start
            let to = Swift.min(upper, start + c.count) - start
            guard from < to else { continue }
            body(c, from..<to, start)
        }
    }
}
