/// Parses a range of ftrace text (whole lines) into a `ParsedPiece`: one pass over the bytes,
/// one row per line that is not a header, blank or stack frame.
public struct PieceParser: Sendable {
    /// The tracer the file's header names: lines with no event name of their own are named after it.
    public var tracer: String?
    /// When false, only counts are kept (the `stat` path): no rows, no stacks.
    public var keepRows: Bool

    public init(tracer: String? = nil, keepRows: Bool = true) {
        self.tracer = tracer
        self.keepRows = keepRows
    }

    /// Parses `storage.bytes[range]`; the range must start at a line start and end after a newline
    /// (or at the end of the data).
    public func parse(_ storage: ByteStorage, range: Range<Int>) -> ParsedPiece {
        var piece = ParsedPiece(storage: storage, base: range.lowerBound, length: range.count)
        guard let base = storage.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return piece }
        var state = State(tracer: tracer, keepRows: keepRows)
        state.prepare(&piece)
        let start = base + range.lowerBound
        let end = range.count
        var lineStart = 0
        let parser = FtraceLineParser()
        while lineStart < end {
            let nl = memchrBytes(start + lineStart, Byte.newline, end - lineStart)
            let lineEnd = nl.map { $0 - start } ?? end
            var len = lineEnd - lineStart
            if len > 0, start[lineStart + len - 1] == Byte.cr { len -= 1 }
            let line = LineBytes(start + lineStart, len)
            let parsed = parser.parse(line)
            state.add(parsed, line: line, offset: lineStart, into: &piece)
            lineStart = lineEnd + 1
        }
        state.finish(&piece)
        return piece
    }

    /// Per-piece bookkeeping while lines stream by.
    struct State {
        let tracer: String?
        let keepRows: Bool
        var lastTimestamp: Int64 = 0
        var sawTimestamp = false
        var lastEventRow: Int32 = -1
        var lastEventRowByCPU: [Int32] = []
        var stackTarget: Int32 = -1
        var unknownTask: UInt32 = 0
        var tracerEvent: UInt16 = 0
        var fixedIDs: [UInt16] = []

        init(tracer: String?, keepRows: Bool) {
            self.tracer = tracer
            self.keepRows = keepRows
        }

        mutating func prepare(_ piece: inout ParsedPiece) {
            for special in SpecialEvent.allCases {
                _ = piece.eventNames.intern(special.name, extra: SpecialEvent.internForm)
            }
            for fixed in FixedEventName.allCases {
                let name = fixed == .tracer ? (tracer.flatMap { $0 == "nop" ? nil : $0 } ?? "text") : fixed.string
                fixedIDs.append(UInt16(piece.eventNames.intern(name, extra: EventName.Form.plain.rawValue)))
            }
            tracerEvent = fixedIDs[Int(FixedEventName.tracer.rawValue)]
            unknownTask = piece.taskNames.intern("", extra: -1)
            piece.taskTgids.append(-1)
            piece.counts.byEvent = Array(repeating: 0, count: piece.eventNames.count)
        }

        @inline(__always)
        mutating func add(_ r: ParsedLine, line: LineBytes, offset: Int, into piece: inout ParsedPiece) {
            piece.counts.lines += 1
            switch r.kind {
            case .blank, .decoration:
                return
            case .header:
                piece.header.read(headerLine: String(decoding: UnsafeBufferPointer(start: line.p, count: line.count),
                                                     as: UTF8.self))
                return
            case .stackFrame:
                piece.counts.stackFrames += 1
                let target = stackTarget >= 0 ? stackTarget : lastEventRow
                guard keepRows, target >= 0 else { return }
                var s = line.skipSpaces(from: 0) + 2
                s = line.skipSpaces(from: s)
                let e = line.trimmedEnd(line.count)
                let symbol = piece.symbols.intern(line.p + s, max(0, e - s))
                piece.stacks.append(frame: symbol, toRow: target)
                return
            case .stackHeader:
                piece.counts.stackBlocks += 1
                if r.cpu >= 0, Int(r.cpu) < lastEventRowByCPU.count, lastEventRowByCPU[Int(r.cpu)] >= 0 {
                    stackTarget = lastEventRowByCPU[Int(r.cpu)]
                } else {
                    stackTarget = lastEventRow
                }
                return
            case .unparsed:
                piece.counts.unparsed += 1
                appendRow(&piece, offset: offset, task: unknownTask, event: SpecialEvent.unparsed.rawValue,
                          cpu: -1, flags: EventFlags.absent, payload: 0)
            case .lost:
                piece.counts.lostLines += 1
                piece.counts.lostEvents += r.lostCount
                appendRow(&piece, offset: offset, task: unknownTask, event: SpecialEvent.lost.rawValue,
                          cpu: r.cpu, flags: EventFlags.absent, payload: 0)
            case .bufferStarted:
                piece.counts.bufferStartedMarkers += 1
                appendRow(&piece, offset: offset, task: unknownTask, event: SpecialEvent.bufferStarted.rawValue,
                          cpu: r.cpu, flags: EventFlags.absent, payload: 0)
            case .event:
                stackTarget = -1
                if r.hasTimestamp {
                    if !sawTimestamp {
                        sawTimestamp = true
                        piece.rowsBeforeFirstTimestamp = keepRows ? piece.lineOffsets.count : 0
                        piece.counts.firstTimestamp = r.timestamp
                        piece.counts.clock = r.clock
                    }
                    lastTimestamp = r.timestamp
                    piece.counts.lastTimestamp = r.timestamp
                }
                let task: UInt32
                if r.pid >= 0 {
                    task = piece.taskNames.intern(line.p + r.commStart, r.commEnd - r.commStart, extra: Int64(r.pid))
                    if Int(task) == piece.taskTgids.count { piece.taskTgids.append(r.tgid) }
                } else {
                    task = unknownTask
                }
                let event = eventID(r.name, line: line, piece: &piece)
                piece.counts.byEvent[Int(event)] += 1
                if r.cpu >= 0 {
                    let cpu = Int(r.cpu)
                    if cpu >= piece.counts.byCPU.count {
                        piece.counts.byCPU += Array(repeating: 0, count: cpu + 1 - piece.counts.byCPU.count)
                        lastEventRowByCPU += Array(repeating: -1, count: cpu + 1 - lastEventRowByCPU.count)
                    }
                    piece.counts.byCPU[cpu] += 1
                }
                if keepRows {
                    let row = Int32(piece.lineOffsets.count)
                    lastEventRow = row
                    if r.cpu >= 0 { lastEventRowByCPU[Int(r.cpu)] = row }
                }
                appendRow(&piece, offset: offset, task: task, event: event, cpu: r.cpu, flags: r.flags,
                          payload: r.payloadStart)
            }
        }

        @inline(__always)
        mutating func eventID(_ name: EventName, line: LineBytes, piece: inout ParsedPiece) -> UInt16 {
            let id: UInt32
            switch name.form {
            case .fixed:
                return fixedIDs[Int(name.fixed.rawValue)]
            case .plain, .sysEnter, .sysExit:
                id = piece.eventNames.intern(line.p + name.start, name.end - name.start, extra: name.form.rawValue)
            }
            if Int(id) == piece.counts.byEvent.count { piece.counts.byEvent.append(0) }
            // Ids past UInt16 are folded into the tracer's catch-all name rather than wrapping.
            return id < UInt32(UInt16.max) ? UInt16(id) : tracerEvent
        }

        @inline(__always)
        mutating func appendRow(_ piece: inout ParsedPiece, offset: Int, task: UInt32, event: UInt16,
                                cpu: Int32, flags: UInt16, payload: Int) {
            guard keepRows else { return }
            piece.lineOffsets.append(UInt32(truncatingIfNeeded: offset))
            piece.timestamps.append(lastTimestamp)
            piece.tasks.append(task)
            piece.events.append(event)
            piece.cpus.append(cpu >= 0 && cpu < 0xFFFF ? UInt16(cpu) : 0xFFFF)
            piece.flags.append(flags)
            piece.payloadOffsets.append(UInt16(clamping: payload))
        }

        mutating func finish(_ piece: inout ParsedPiece) {
            if !sawTimestamp { piece.rowsBeforeFirstTimestamp = piece.lineOffsets.count }
        }
    }
}
