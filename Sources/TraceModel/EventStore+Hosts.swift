/// Rows from several machines in one store: a host id per chunk, a name table, and clock offsets applied to
/// a piece's times before it is appended.
extension EventStore {
    /// The id of host `name`, added to the table when new. The first host named takes id 0, which is also what
    /// rows of a store without hosts carry.
    public mutating func hostID(named name: String) -> UInt16 {
        if let k = hostNames.firstIndex(of: name) { return UInt16(k) }
        hostNames.append(name)
        return UInt16(hostNames.count - 1)
    }

    /// The host of row `row` ("" for a trace of one machine).
    public func hostName(ofRow row: Int) -> String {
        let (c, i) = locate(row)
        return hostName(c.host(at: i))
    }

    public func hostName(_ id: UInt16) -> String {
        Int(id) < hostNames.count ? hostNames[Int(id)] : ""
    }

    /// More than one host: the stream shows the host column.
    public var hasSeveralHosts: Bool { hostNames.count > 1 }
}

extension ParsedPiece {
    /// Moves every time of the piece by `-offset` nanoseconds: a host whose clock reads `offset` ahead of the
    /// viewer's has its events put back on the viewer's time line (what it counted moves too).
    public mutating func shiftTimes(by offset: Int64) {
        guard offset != 0 else { return }
        timeShift &+= offset
        timestamps.withUnsafeMutableBufferPointer { t in
            for k in t.indices { t[k] &-= offset }
        }
        counts.firstTimestamp = counts.firstTimestamp.map { $0 &- offset }
        counts.lastTimestamp = counts.lastTimestamp.map { $0 &- offset }
        counts.earliestTimestamp = counts.earliestTimestamp.map { $0 &- offset }
        counts.latestTimestamp = counts.latestTimestamp.map { $0 &- offset }
    }

    /// A row that marks a gap on one host (its connection dropped): a lost-events row at `time`, with the
    /// host's id, so that the stream shows where the host's events stop and the counts say events were lost.
    public static func gap(host: UInt16, at time: Int64) -> ParsedPiece {
        let text = Array("[LOST EVENTS]\n".utf8)
        var piece = PieceParser(tracer: nil, keepRows: true).parse(OwnedBytes(text), range: 0..<text.count)
        piece.host = host
        for k in piece.timestamps.indices { piece.timestamps[k] = time }
        piece.rowsBeforeFirstTimestamp = 0
        piece.counts.firstTimestamp = time
        piece.counts.lastTimestamp = time
        return piece
    }
}

extension ParsedPiece {
    /// The latest time among the piece's rows (nil without one).
    public var latestTime: Int64? { counts.latestTimestamp }
}
