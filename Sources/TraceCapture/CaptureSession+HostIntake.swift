import TraceModel

/// What one take of a host adds (for the live loop's counts).
struct HostIntake {
    var rows = 0
    var bytes = 0
    /// The latest time among its rows, on the viewer's clock.
    var latest: Int64?
    /// function_graph lines came.
    var calls = false
}

extension CaptureSession {
    /// One take of host `id` into the merge, in the host's own order: each text parsed, tagged with the host,
    /// moved onto the viewer's clock and queued; a gap row where a connection dropped, after its last line.
    static func absorb(_ batch: HostBatch, host id: UInt16, feed: LiveFeed, merge: inout HostMerge,
                       store: inout EventStore) -> HostIntake {
        var intake = HostIntake()
        for item in batch.items {
            switch item {
            case .text(let r):
                var piece = feed.parse(r)
                piece.host = id
                piece.shiftTimes(by: batch.offset)
                if let t = piece.latestTime { intake.latest = max(intake.latest ?? t, t) }
                if !piece.graph.isEmpty { intake.calls = true }
                intake.rows += piece.rowCount
                intake.bytes += r.range.count
                merge.add(piece, into: &store)
            case .gap:
                merge.addGap(host: id, into: &store)
            }
        }
        return intake
    }
}
