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
    /// The hosts rows came from, by id (`EventChunk.host`); empty for a trace of one machine.
    public internal(set) var hostNames: [String] = []
    public private(set) var bytesParsed = 0

    public init() {
        for special in SpecialEvent.allCases {
            _ = eventInterner.intern(special.name, extra: SpecialEvent.internForm)
            eventNames.append(special.name)
        }
    }

    /// Rows dropped from the front to bound memory (live capture); row numbers start after them.
    public private(set) var evictedRows = 0
    /// Bytes the kept rows hold: their columns and the text they point into.
    public private(set) var retainedBytes = 0

    public var count: Int { chunkStarts[chunkStarts.count - 1] }

    /// Global row of chunk `k`'s first row (`k == chunks.count`: the total).
    @inline(__always)
    func firstRow(ofChunk k: Int) -> Int { chunkStarts[k] }

    /// Drops the oldest chunks while at least `keep` rows remain without them. The names and the
    /// summary's counts stay (they cover everything seen).
    public mutating func evictOldest(keeping keep: Int, maxBytes: Int = .max) {
        var drop = 0
        var bytes = retainedBytes
        while drop < chunks.count - 1,
              count - chunkStarts[drop + 1] >= keep || bytes > maxBytes {
            bytes -= chunks[drop].columnBytes + chunks[drop].length
            drop += 1
        }
        guard drop > 0 else { return }
        let removed = chunkStarts[drop]
        retainedBytes = bytes
        chunks.removeFirst(drop)
        chunkStarts = chunkStarts[drop...].map { $0 - removed }
        evictedRows += removed
    }
    public var isEmpty: Bool { count == 0 }

    /// Appends a piece in file order, mapping its local ids onto the store's.
    public mutating func append(_ piece: ParsedPiece) {
        let p = admit(piece)
        guard p.rowCount > 0 else { return }
        append(chunk: EventChunk(p))
    }

    /// Maps a piece's local ids onto the store's and counts it in the summary, without adding its rows: they
    /// come in later with `append(chunk:)` (several hosts' rows interleaved by time, `HostMerge`).
    mutating func admit(_ piece: ParsedPiece) -> ParsedPiece {
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
        return p
    }

    /// Adds rows whose ids are the store's already (`admit`).
    mutating func append(chunk: EventChunk) {
        guard chunk.count > 0 else { return }
        chunks.append(chunk)
        chunkStarts.append(count + chunk.count)
        retainedBytes += chunk.columnBytes + chunk.length
    }

    private mutating func mapEvents(of p: ParsedPiece) -> [UInt16] {
        var names = eventNames
        let map = Self.remap(p.eventNames, into: &eventInterner) { bytes, form in
            let text = String(decoding: bytes, as: UTF8.self)
            switch form {
            case EventName.Form.sysEnter.rawValue: names.append("sys_enter_" + text)
            case EventName.Form.sysExit.rawValue: names.append("sys_exit_" + text)
            default: names.append(text)
            }
        }
        eventNames = names
        return map.map { $0 < UInt32(UInt16.max) ? UInt16($0) : SpecialEvent.unparsed.rawValue }
    }

    private mutating func mapTasks(of p: ParsedPiece) -> [UInt32] {
        var names = taskNames, pids = taskPIDs, tgids = taskTGIDs
        let map = Self.remap(p.taskNames, into: &taskInterner) { bytes, pid in
            names.append(String(decoding: bytes, as: UTF8.self))
            pids.append(Int32(truncatingIfNeeded: pid))
            tgids.append(-1)
        }
        // A tgid may first appear in a later piece (a `(-----)` column before it was known).
        for (local, globalID) in map.enumerated() {
            if local < p.taskTgids.count, tgids[Int(globalID)] < 0 { tgids[Int(globalID)] = p.taskTgids[local] }
        }
        taskNames = names
        taskPIDs = pids
        taskTGIDs = tgids
        return map
    }

    private mutating func mapSymbols(of p: ParsedPiece) -> [UInt32] {
        var names = symbols
        let map = Self.remap(p.symbols, into: &symbolInterner) { bytes, _ in
            names.append(String(decoding: bytes, as: UTF8.self))
        }
        symbols = names
        return map
    }

    /// Maps every id of a piece's interner to the store's, calling `added` for each string new to the store.
    private static func remap(_ local: ByteInterner, into global: inout ByteInterner,
                              added: (ArraySlice<UInt8>, Int64) -> Void) -> [UInt32] {
        var map = [UInt32](repeating: 0, count: local.count)
        for id in 0..<local.count {
            let bytes = local.bytes(of: UInt32(id))
            let extra = local.extra(of: UInt32(id))
            let before = global.count
            let g = bytes.withUnsafeBufferPointer { b in
                global.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count, extra: extra)
            }
            if global.count > before { added(bytes, extra) }
            map[id] = g
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
                        payloadOffset: c.payloadOffset(i), host: c.host(at: i))
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
        let off = min(c.payloadOffset(i), line.count)
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
        // uftrace names threads by id only.
        if taskNames[t].isEmpty { return "[\(taskPIDs[t])]" }
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
    /// Index into `EventStore.hostNames` (0 when the trace has no hosts).
    public var host: UInt16 = 0

    public var isEvent: Bool { SpecialEvent.isEvent(event) }
}
