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
    /// The largest CPU number a line may carry (Linux's NR_CPUS tops out at 8192).
    public static let largestCPU: Int32 = 8191

    public func parse(_ storage: ByteStorage, range: Range<Int>) -> ParsedPiece {
        var piece = ParsedPiece(storage: storage, base: range.lowerBound, length: range.count)
        guard let base = storage.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return piece }
        var state = State(tracer: tracer, keepRows: keepRows)
        state.prepare(&piece)
        let start = base + range.lowerBound
        let end = range.count
        if keepRows { piece.reserveRows(Self.estimatedLines(start, end)) }
        let parser = FtraceLineParser(decodesFlags: keepRows)
        forEachLine(start, from: 0, to: end) { line, offset in
            state.add(parser.parse(line), line: line, offset: offset, into: &piece)
        }
        state.finish(&piece)
        return piece
    }

    /// Lines in a piece, from the length of its first 64: the columns are reserved once instead of
    /// growing by doubling (each doubling copies them and touches fresh pages).
    static func estimatedLines(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var k = 0, lines = 0
        while lines < 64, k < n, let nl = memchrBytes(p + k, Byte.newline, n - k) {
            k = nl - p + 1
            lines += 1
        }
        guard lines > 0, k > 0 else { return 0 }
        return n / k * lines + n / k * lines / 16 + 64
    }

    /// The last task seen on a CPU, with its comm bytes (up to 32) copied for a quick compare.
    struct CachedTask {
        var id: UInt32 = 0
        var pid: Int32 = -2
        var length = -1
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init() {}

        init(id: UInt32, pid: Int32, line: LineBytes, start: Int, length: Int) {
            self.id = id
            self.pid = pid
            guard length <= 32 else { return }
            self.length = length
            withUnsafeMutableBytes(of: &storage) { b in
                b.copyMemory(from: UnsafeRawBufferPointer(start: line.p + start, count: length))
            }
        }

        @inline(__always)
        func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
            guard n == length else { return false }
            return withUnsafeBytes(of: storage) { b in
                memcmpBytes(p, b.baseAddress!.assumingMemoryBound(to: UInt8.self), n)
            }
        }
    }

    /// The first bytes of a payload that decided its event's name, and that name's id.
    struct NameCacheEntry {
        static let window = 32
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
        var m0: UInt64 = 0, m1: UInt64 = 0, m2: UInt64 = 0, m3: UInt64 = 0
        var event = UInt16.max
        /// Where the details start after the name (0: at the payload's start).
        var skip: Int8 = 0

        @inline(__always)
        mutating func load(_ p: UnsafePointer<UInt8>) {
            let raw = UnsafeRawPointer(p)
            w0 = raw.loadUnaligned(as: UInt64.self)
            w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            w2 = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            w3 = raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        }

        /// Keeps only the first `length` bytes (little-endian words: low bytes first).
        mutating func keep(length: Int, event: UInt16, skip: Int) {
            func mask(_ word: Int) -> UInt64 {
                let bytes = length - word * 8
                if bytes >= 8 { return ~0 }
                if bytes <= 0 { return 0 }
                return (UInt64(1) << UInt64(bytes * 8)) &- 1
            }
            m0 = mask(0); m1 = mask(1); m2 = mask(2); m3 = mask(3)
            w0 &= m0; w1 &= m1; w2 &= m2; w3 &= m3
            self.event = event
            self.skip = Int8(clamping: skip)
        }

        @inline(__always)
        func matches(_ key: NameCacheEntry) -> Bool {
            event != UInt16.max && key.w0 & m0 == w0 && key.w1 & m1 == w1 && key.w2 & m2 == w2 && key.w3 & m3 == w3
        }
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
        var lastTaskByCPU: [CachedTask] = []
        /// Counted here rather than through `piece`, whose arrays would be checked for uniqueness per line.
        var byEvent: [Int] = []
        var byCPU: [Int] = []
        var lines = 0
        var nameCache = [NameCacheEntry](repeating: NameCacheEntry(), count: 64)  // 32 sets of 2
        var unknownTask: UInt32 = 0
        var tracerEvent: UInt16 = 0
        var fixedIDs: [UInt16] = []
        /// funcgraph_entry, funcgraph_exit and funcgraph_irq: consecutive ids, whose lines feed `piece.graph`.
        var graphEvents: ClosedRange<UInt16> = 0...0
        var contextSwitchEvent: UInt16 = 0

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
            graphEvents = fixedIDs[Int(FixedEventName.funcgraphEntry.rawValue)]...fixedIDs[Int(FixedEventName.funcgraphIRQ.rawValue)]
            contextSwitchEvent = fixedIDs[Int(FixedEventName.contextSwitch.rawValue)]
            unknownTask = piece.taskNames.intern("", extra: -1)
            piece.taskTgids.append(-1)
            byEvent = Array(repeating: 0, count: piece.eventNames.count)
        }

        @inline(__always)
        mutating func add(_ parsed: ParsedLine, line: LineBytes, offset: Int, into piece: inout ParsedPiece) {
            lines += 1
            var r = parsed
            // Per-CPU tables grow to the CPU number: a line claiming CPU 555555260 would take gigabytes (found by
            // the fuzzer). Past Linux's most CPUs the line is unparsed.
            if r.cpu > PieceParser.largestCPU { r = ParsedLine(kind: .unparsed) }
            var knownEvent: UInt16?
            if r.nameDeferred { knownEvent = resolveName(&r, line: line, piece: &piece) }
            switch r.kind {
            case .blank, .decoration:
                return
            case .header:
                piece.header.read(headerBytes: UnsafeRawBufferPointer(start: line.p, count: line.count))
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
                if r.tornPrefix { piece.counts.tornLines += 1 }
                // Counting alone (`stat`) needs no task table.
                let task = keepRows && r.pid >= 0 ? taskID(r, line: line, piece: &piece) : unknownTask
                let event = knownEvent ?? eventID(r.name, line: line, piece: &piece)
                addEvent(r.hasTimestamp ? r.timestamp : nil, clock: r.clock, task: task, event: event, cpu: r.cpu,
                         flags: r.flags, payload: r.payloadStart, line: line, offset: offset, into: &piece)
            }
        }

        /// An event row, from its text or from the record it was formatted from.
        @inline(__always)
        mutating func addEvent(_ timestamp: Int64?, clock: TimestampClock?, task: UInt32, event: UInt16, cpu: Int32,
                               flags: UInt16, payload: Int, line: LineBytes, offset: Int,
                               into piece: inout ParsedPiece) {
            stackTarget = -1
            count(timestamp, clock: clock, event: event, cpu: cpu, row: piece.lineOffsets.count, into: &piece)
            appendRow(&piece, offset: offset, task: task, event: event, cpu: cpu, flags: flags, payload: payload)
            if keepRows { addGraph(event, line: line, payload: payload, row: piece.lineOffsets.count - 1, into: &piece) }
        }

        /// A new event row's share of the piece's counts (`row`: the index it gets).
        @inline(__always)
        mutating func count(_ timestamp: Int64?, clock: TimestampClock?, event: UInt16, cpu: Int32, row: Int,
                            into piece: inout ParsedPiece) {
            if let timestamp {
                if !sawTimestamp {
                    sawTimestamp = true
                    piece.rowsBeforeFirstTimestamp = keepRows ? row : 0
                    piece.counts.firstTimestamp = timestamp
                    piece.counts.clock = clock
                }
                lastTimestamp = timestamp
                piece.counts.lastTimestamp = timestamp
                piece.counts.earliestTimestamp = min(piece.counts.earliestTimestamp ?? .max, timestamp)
                piece.counts.latestTimestamp = max(piece.counts.latestTimestamp ?? .min, timestamp)
            }
            byEvent[Int(event)] += 1
            if cpu >= 0 {
                let c = Int(cpu)
                if c >= byCPU.count {
                    byCPU += Array(repeating: 0, count: c + 1 - byCPU.count)
                    lastEventRowByCPU += Array(repeating: -1, count: c + 1 - lastEventRowByCPU.count)
                }
                byCPU[c] += 1
            }
            if keepRows {
                lastEventRow = Int32(row)
                if cpu >= 0 { lastEventRowByCPU[Int(cpu)] = Int32(row) }
            }
        }

        /// The call graph's share of an event row (function_graph lines, task switches).
        @inline(__always)
        mutating func addGraph(_ event: UInt16, line: LineBytes, payload: Int, row: Int, into piece: inout ParsedPiece) {
            if graphEvents.contains(event) {
                piece.graph.add(line, payload: payload, row: row)
            } else if event == contextSwitchEvent {
                piece.graph.addTaskSwitch(line, payload: payload, row: row)
            }
        }

        /// Names the event of a `timestamp: payload` line. Most lines repeat a few names, so the answer is
        /// cached by the bytes the naming looked at (the name and its delimiter, up to 32 bytes): a set of
        /// two entries per hash of the payload's first 8 bytes, so that pairs such as `irq_handler_entry` /
        /// `irq_handler_exit` or a syscall's enter and exit do not evict each other.
        @inline(__always)
        mutating func resolveName(_ r: inout ParsedLine, line: LineBytes, piece: inout ParsedPiece) -> UInt16? {
            let p = r.payloadStart
            let windowed = p + NameCacheEntry.window <= line.count
            var set = 0
            var key = NameCacheEntry()
            if windowed {
                key.load(line.p + p)
                set = Int(truncatingIfNeeded: (key.w0 &* 0xFF51_AFD7_ED55_8CCD) >> 59) * 2
                for way in set..<(set + 2) where nameCache[way].matches(key) {
                    let e = nameCache[way]
                    if e.skip > 0 { r.payloadStart = line.skipSpaces(from: p + Int(e.skip)) }
                    return e.event
                }
            }
            var decidedBy = Int.max
            r.name = EventNaming.name(line, from: p, kind: &r.kind, decidedBy: &decidedBy)
            // `sched_switch: prev_comm=…` shows as `prev_comm=…`: the name has its own column.
            var skip = 0
            if r.name.form == .plain {
                skip = r.name.end + 1 - p
                r.payloadStart = line.skipSpaces(from: min(line.count, r.name.end + 1))
            }
            guard r.kind == .event else { return nil }
            let id = eventID(r.name, line: line, piece: &piece)
            if windowed, decidedBy <= p + NameCacheEntry.window {
                key.keep(length: decidedBy - p, event: id, skip: skip)
                // The newer entry goes first; the older one stays as the second way.
                nameCache[set + 1] = nameCache[set]
                nameCache[set] = key
            }
            return id
        }

        /// The task of a line; consecutive lines of a CPU are mostly the same task, so that is checked
        /// before hashing.
        @inline(__always)
        mutating func taskID(_ r: ParsedLine, line: LineBytes, piece: inout ParsedPiece) -> UInt32 {
            taskID(commStart: r.commStart, commEnd: r.commEnd, pid: r.pid, tgid: r.tgid, cpu: Int(r.cpu), line: line,
                   piece: &piece)
        }

        @inline(__always)
        mutating func taskID(commStart: Int, commEnd: Int, pid: Int32, tgid: Int32, cpu: Int, line: LineBytes,
                             piece: inout ParsedPiece) -> UInt32 {
            let n = commEnd - commStart
            if cpu >= 0, cpu < lastTaskByCPU.count, lastTaskByCPU[cpu].pid == pid {
                let cached = lastTaskByCPU[cpu]
                if cached.matches(line.p + commStart, n) { return cached.id }
            }
            let id = piece.taskNames.intern(line.p + commStart, n, extra: Int64(pid))
            if Int(id) == piece.taskTgids.count { piece.taskTgids.append(tgid) }
            if cpu >= 0, cpu < 4096 {
                if cpu >= lastTaskByCPU.count {
                    lastTaskByCPU += Array(repeating: CachedTask(), count: cpu + 1 - lastTaskByCPU.count)
                }
                lastTaskByCPU[cpu] = CachedTask(id: id, pid: pid, line: line, start: commStart, length: n)
            }
            return id
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
            if Int(id) == byEvent.count { byEvent.append(0) }
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
            piece.counts.byEvent = byEvent
            piece.counts.byCPU = byCPU
            piece.counts.lines = lines
            if !sawTimestamp { piece.rowsBeforeFirstTimestamp = piece.lineOffsets.count }
        }
    }
}
