extension PieceParser {
    /// Rows for a live reader's text whose records' columns came with it: the same rows, counts and names
    /// `parse(_:range:)` makes of that text, without reading the text back.
    /// Lines no record stands for (`DecodedRows.text`) go through the text parser, in order.
    public func parse(_ storage: ByteStorage, range: Range<Int>, decoded: DecodedRows) -> ParsedPiece {
        var piece = ParsedPiece(storage: storage, base: range.lowerBound, length: range.count)
        guard let base = storage.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return piece }
        var state = State(tracer: tracer, keepRows: keepRows)
        state.prepare(&piece)
        if keepRows { piece.reserveRows(decoded.count + 16) }
        let start = base + range.lowerBound
        let parser = FtraceLineParser(decodesFlags: keepRows)
        // The kernel's event ids, mapped to the piece's as they first appear.
        var local = [UInt16](repeating: .max, count: decoded.names.count)
        let rows = decoded.count
        // Read once: the formatter is an existential, and copying it per row cost a retain and a release.
        let keeps = decoded.kept != nil
        let commOffset = decoded.kept?.commOffset ?? 0
        var keptRows = false
        var typedAt = 0
        var columns = RowColumns(capacity: rows)
        defer { columns.deallocate() }
        decoded.offsets.withUnsafeBufferPointer { offsets in
            for k in 0..<rows {
                let offset = Int(offsets[k]) - range.lowerBound
                guard offset >= 0, offset < range.count else { continue }
                let type = decoded.events[k]
                // A type whose name the reader did not know (made after it started): its line is read instead.
                if type == DecodedRows.text || Int(type) >= decoded.names.count || decoded.names.names[Int(type)].isEmpty {
                    let end = k + 1 < rows ? min(range.count, Int(offsets[k + 1]) - range.lowerBound) : range.count
                    columns.flush(into: &piece)
                    forEachLine(start, from: offset, to: end) { line, at in
                        state.add(parser.parse(line), line: line, offset: at, into: &piece)
                    }
                    continue
                }
                let commLength = Int(decoded.commLengths[k])
                var commStart = max(0, 16 - commLength)
                var line = LineBytes(start + offset, commStart + commLength)
                var at = offset
                if keeps, decoded.payloads[k] == DecodedRows.keptPayload {
                    // A record kept as bytes: the task's name is inside it; its line is made when it is read.
                    commStart = 0
                    line = LineBytes(start + offset + commOffset, commLength)
                    at = offset | Int(EventChunk.keptRow)
                    keptRows = true
                }
                let cpu = decoded.cpus[k] == 0xFFFF ? Int32(-1) : Int32(decoded.cpus[k])
                let pid = decoded.pids[k]
                let task = keepRows && pid >= 0
                    ? state.taskID(commStart: commStart, commEnd: commStart + commLength, pid: pid, tgid: -1,
                                   cpu: Int(cpu), line: line, piece: &piece)
                    : state.unknownTask
                var event = Int(type) < local.count ? local[Int(type)] : UInt16.max
                if event == .max {
                    event = state.eventID(named: decoded.names, type: Int(type), piece: &piece)
                    if Int(type) < local.count { local[Int(type)] = event }
                }
                // At the text's microseconds: the rows equal those of the saved text reopened, and sort among
                // rows made from text (samples, printk lines) as those do.
                state.addDecoded(decoded.timestamps[k] / 1000 * 1000, task: task, event: event, cpu: cpu,
                                 flags: decoded.flags[k], payload: Int(decoded.payloads[k]), line: line, offset: at,
                                 columns: &columns, into: &piece)
                if keepRows {
                    decoded.typed.carry(&typedAt, row: k, to: &piece.typed,
                                        pieceRow: piece.rowCount + columns.count - 1)
                }
            }
        }
        columns.flush(into: &piece)
        if keptRows { piece.kept = decoded.kept }
        state.finish(&piece)
        return piece
    }
}

extension PieceParser.State {
    /// The piece's id of the kernel's event type `type` (a plain name, as the text parser names `name:` lines).
    mutating func eventID(named names: EventTypeNames, type: Int, piece: inout ParsedPiece) -> UInt16 {
        let bytes = type < names.count ? names.names[type] : []
        let id = bytes.withUnsafeBufferPointer { b in
            piece.eventNames.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count,
                                    extra: EventName.Form.plain.rawValue)
        }
        if Int(id) == byEvent.count { byEvent.append(0) }
        return id < UInt32(UInt16.max) ? UInt16(id) : tracerEvent
    }
}
