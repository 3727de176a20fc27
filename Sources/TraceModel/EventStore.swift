/// All rows of a trace, in file order, as a list of immutable chunks plus the global name tables.
///
/// A value type: the capture actor appends, the UI copies it as a snapshot (copying shares the chunks).
public struct EventStore: Sendable {
    public private(set) var chunks: [EventChunk] = []
    /// Global index of each chunk's first row, plus the total at the end.
    private var chunkStarts: [Int] = [0]
    private var taskInterner = ByteInterner()
    public private(set) var taskNames: [String] = []
    public private(set) var taskPIDs: [Int32] = []
    public private(set) var taskTGIDs: [Int32] = []
    private var eventInterner = ByteInterner()
    public private(set) var eventNames: [String] = []
    private var symbolInterner = ByteInterner()
    public private(set) var symbols: [String] = []
    public private(set) var summary = TraceSummary()
    public private(set) var bytesParsed = 0

    public init() {
        for special in SpecialEvent.allCases {
            _ = eventInterner.intern(special.name, extra: SpecialEvent.internForm)
            eventNames.append(special.name)
        }
    }

    public var count: Int { chunkStarts[chunkStarts.count - 1] }
    public var isEmpty: Bool { count == 0 }

    /// Appends a piece in file order, mapping its local ids onto the store's.
    public mutating func append(_ piece: ParsedPiece) {
        var p = piece
        let eventMap = mapEvents(of: p)
        let taskMap = mapTasks(of: p)
        let symbolMap = mapSymbols(of: p)
        p.events.withUnsafeMutableBufferPointer { ev in
            for k in ev.indices { ev[k] = eventMap[Int(ev[k])] }
        }
        p.tasks.withUnsafeMutableBufferPointer { t in
            for k in t.indices { t[k] = taskMap[Int(t[k])] }
        }
        p.stacks.frames = p.stacks.frames.map { symbolMap[Int($0)] }
        if let previous = summary.lastTimestamp, p.rowsBeforeFirstTimestamp > 0 {
            for k in 0..<p.rowsBeforeFirstTimestamp { p.timestamps[k] = previous }
        }
        summary.add(p.counts, header: p.header, eventMap: eventMap, eventNames: eventNames)
        bytesParsed += p.length
        guard p.rowCount > 0 else { return }
        chunks.append(EventChunk(p))
        chunkStarts.append(count + p.rowCount)
    }

    private mutating func mapEvents(of p: ParsedPiece) -> [UInt16] {
        var map = [UInt16](repeating: 0, count: p.eventNames.count)
        for local in 0..<p.eventNames.count {
            let bytes = p.eventNames.bytes(of: UInt32(local))
            let extra = p.eventNames.extra(of: UInt32(local))
            let id = bytes.withUnsafeBufferPointer { b in
                eventInterner.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count, extra: extra)
            }
            if Int(id) == eventNames.count {
                let text = String(decoding: bytes, as: UTF8.self)
                switch extra {
                case EventName.Form.sysEnter.rawValue: eventNames.append("sys_enter_" + text)
                case EventName.Form.sysExit.rawValue: eventNames.append("sys_exit_" + text)
                default: eventNames.append(text)
                }
            }
            map[local] = id < UInt32(UInt16.max) ? UInt16(id) : SpecialEvent.unparsed.rawValue
        }
        return map
    }

    private mutating func mapTasks(of p: ParsedPiece) -> [UInt32] {
        var map = [UInt32](repeating: 0, count: p.taskNames.count)
        for local in 0..<p.taskNames.count {
            let bytes = p.taskNames.bytes(of: UInt32(local))
            let pid = p.taskNames.extra(of: UInt32(local))
            let id = bytes.withUnsafeBufferPointer { b in
                taskInterner.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count, extra: pid)
            }
            if Int(id) == taskNames.count {
                taskNames.append(String(decoding: bytes, as: UTF8.self))
                taskPIDs.append(Int32(truncatingIfNeeded: pid))
                taskTGIDs.append(local < p.taskTgids.count ? p.taskTgids[local] : -1)
            } else if taskTGIDs[Int(id)] < 0, local < p.taskTgids.count {
                taskTGIDs[Int(id)] = p.taskTgids[local]
            }
            map[local] = id
        }
        return map
    }

    private mutating func mapSymbols(of p: ParsedPiece) -> [UInt32] {
        var map = [UInt32](repeating: 0, count: p.symbols.count)
        for local in 0..<p.symbols.count {
            let bytes = p.symbols.bytes(of: UInt32(local))
            let id = bytes.withUnsafeBufferPointer { b in
                symbolInterner.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count)
            }
            if Int(id) == symbols.count { symbols.append(String(decoding: bytes, as: UTF8.self)) }
            map[local] = id
        }
        return map
    }

    // MARK: - reading rows

    /// The chunk holding global row `row`, and the row's index inside it.
    @inline(__always)
    public func locate(_ row: Int) -> (chunk: EventChunk, index: Int) {
        var lo = 0, hi = chunks.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if chunkStarts[mid] <= row { lo = mid } else { hi = mid - 1 }
        }
        return (chunks[lo], row - chunkStarts[lo])
    }

    /// The row's columns, decoded.
    public func row(_ row: Int) -> EventRow {
        let (c, i) = locate(row)
        return EventRow(index: row, timestamp: c.timestamps[i], task: c.tasks[i], event: c.events[i],
                        cpu: c.cpus[i] == 0xFFFF ? nil : Int(c.cpus[i]), flags: EventFlags(raw: c.flags[i]),
                        payloadOffset: Int(c.payloadOffsets[i]))
    }

    public func timestamp(_ row: Int) -> Int64 {
        let (c, i) = locate(row)
        return c.timestamps[i]
    }

    public func eventID(_ row: Int) -> UInt16 {
        let (c, i) = locate(row)
        return c.events[i]
    }

    /// The row's line as it is in the file (no newline).
    public func lineBytes(_ row: Int) -> UnsafeRawBufferPointer {
        let (c, i) = locate(row)
        return c.line(i)
    }

    public func lineText(_ row: Int) -> String {
        String(decoding: lineBytes(row), as: UTF8.self)
    }

    /// The text after the row's `timestamp:`: the event's own output.
    public func payloadText(_ row: Int) -> String {
        let (c, i) = locate(row)
        let line = c.line(i)
        let off = min(Int(c.payloadOffsets[i]), line.count)
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[off...]), as: UTF8.self)
    }

    /// The stack frames attached to the row (from `<stack trace>` blocks), innermost first.
    public func stack(_ row: Int) -> [String] {
        let (c, i) = locate(row)
        guard let frames = c.stacks.frames(ofRow: Int32(i)) else { return [] }
        return frames.map { symbols[Int($0)] }
    }

    public func taskLabel(_ task: UInt32) -> String {
        let t = Int(task)
        if taskPIDs[t] < 0 { return "-" }
        return "\(taskNames[t])-\(taskPIDs[t])"
    }

    /// Bytes of all columns and side tables (not counting the text they point into).
    public var columnBytes: Int { chunks.reduce(0) { $0 + $1.columnBytes } }
}

/// One row's columns, decoded for display.
public struct EventRow: Sendable, Equatable {
    public var index: Int
    public var timestamp: Int64
    public var task: UInt32
    public var event: UInt16
    public var cpu: Int?
    public var flags: EventFlags
    public var payloadOffset: Int

    public var isEvent: Bool { SpecialEvent.isEvent(event) }
}
