/// What `tracetui stat` reports: counts over a whole trace, kept up to date as pieces are appended.
public struct TraceSummary: Sendable, Equatable {
    public var tracer: String?
    public var cpus: Int?
    public var events = 0
    public var byEvent: [String: Int] = [:]
    public var byCPU: [Int: Int] = [:]
    public var unparsed = 0
    /// Lines whose start another line overwrote (a slow `trace_pipe` reader), their closing event recovered.
    public var tornLines = 0
    /// Events the kernel reported lost (`[LOST N EVENTS]`) plus those the ring buffer overwrote.
    public var lostEvents: Int { Int(lostInLines) + overwritten }
    public var lostInLines: Int64 = 0
    public var lostLines = 0
    public var overwritten = 0
    public var stackBlocks = 0
    public var stackFrames = 0
    public var bufferStartedMarkers = 0
    public var firstTimestamp: Int64?
    public var lastTimestamp: Int64?
    /// The smallest and largest times in the trace: the duration runs between them, never negative.
    public var earliestTimestamp: Int64?
    public var latestTimestamp: Int64?
    /// Nanoseconds from the earliest to the latest time (nil without times).
    public var duration: Int64? {
        guard let e = earliestTimestamp, let l = latestTimestamp else { return nil }
        let (d, overflow) = l.subtractingReportingOverflow(e)
        return overflow ? .max : d
    }
    public var clock: TimestampClock = .seconds
    public var lines = 0
    public var header = TraceHeader()

    public init() {}

    /// Parses a whole trace held in memory, counting only (for tests and small inputs).
    public init(parsing bytes: [UInt8]) {
        let storage = OwnedBytes(bytes)
        let header = TraceHeaderScan.scan(storage.bytes)
        let piece = looksLikePerfScript(storage.bytes)
            ? PerfScriptParser(keepRows: false).parse(storage, range: 0..<bytes.count)
            : PieceParser(tracer: header.tracer, keepRows: false).parse(storage, range: 0..<bytes.count)
        var store = EventStore()
        store.append(piece)
        self = store.summary
    }

    mutating func add(_ c: PieceCounts, header h: TraceHeader, eventMap: [UInt16], eventNames: [String]) {
        for (local, n) in c.byEvent.enumerated() where n > 0 {
            let id = eventMap[local]
            guard SpecialEvent.isEvent(id) else { continue }
            byEvent[eventNames[Int(id)], default: 0] += n
            events += n
        }
        for (cpu, n) in c.byCPU.enumerated() where n > 0 { byCPU[cpu, default: 0] += n }
        unparsed += c.unparsed
        tornLines += c.tornLines
        lostInLines += c.lostEvents
        lostLines += c.lostLines
        stackBlocks += c.stackBlocks
        stackFrames += c.stackFrames
        bufferStartedMarkers += c.bufferStartedMarkers
        lines += c.lines
        if firstTimestamp == nil, let f = c.firstTimestamp {
            firstTimestamp = f
            clock = c.clock ?? .seconds
        }
        if let l = c.lastTimestamp { lastTimestamp = l }
        if let e = c.earliestTimestamp { earliestTimestamp = min(earliestTimestamp ?? .max, e) }
        if let l = c.latestTimestamp { latestTimestamp = max(latestTimestamp ?? .min, l) }
        if h.tracer != nil && header.tracer == nil { header.tracer = h.tracer }
        if h.entriesWritten != nil && header.entriesWritten == nil {
            header.entriesInBuffer = h.entriesInBuffer
            header.entriesWritten = h.entriesWritten
        }
        if h.cpus != nil && header.cpus == nil { header.cpus = h.cpus }
        if h.hasTgidColumn { header.hasTgidColumn = true }
        if h.callsPerThread { header.callsPerThread = true }
        tracer = header.tracer
        cpus = header.cpus
        overwritten = header.overwritten
    }
}

/// Reads the header at the top of a trace before the body is split into pieces,
/// so that every piece knows the tracer.
public enum TraceHeaderScan {
    public static func scan(_ bytes: UnsafeRawBufferPointer, limit: Int = 1 << 16) -> TraceHeader {
        var header = TraceHeader()
        let n = min(bytes.count, limit)
        var start = 0
        while start < n {
            var end = start
            while end < n, bytes[end] != Byte.newline { end += 1 }
            var i = start
            while i < end, Byte.isSpace(bytes[i]) { i += 1 }
            if i < end, bytes[i] == Byte.hash {
                header.read(headerBytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            } else if i < end {
                break
            }
            start = end + 1
        }
        return header
    }
}
