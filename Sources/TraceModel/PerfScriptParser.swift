/// Parses `perf script` text into a `ParsedPiece`: one row per sample header
/// (`comm pid[/tid] [cpu] time: [period] event: [fields]`), the callchain lines below it
/// (`addr sym+off (dso)`) attached to that row as its stack, innermost first — the same place
/// ftrace's `<stack trace>` frames go, so the stream, the detail panel and the hotspots read both alike.
public struct PerfScriptParser: Sendable {
    /// When false, only counts are kept (the `stat` path).
    public var keepRows: Bool

    public init(keepRows: Bool = true) {
        self.keepRows = keepRows
    }

    public func parse(_ storage: ByteStorage, range: Range<Int>) -> ParsedPiece {
        var piece = ParsedPiece(storage: storage, base: range.lowerBound, length: range.count)
        guard let base = storage.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return piece }
        for special in SpecialEvent.allCases {
            _ = piece.eventNames.intern(special.name, extra: SpecialEvent.internForm)
        }
        let unknownTask = piece.taskNames.intern("", extra: -1)
        piece.taskTgids.append(-1)
        var byEvent = [Int](repeating: 0, count: piece.eventNames.count)
        var byCPU: [Int] = []
        var lines = 0
        var sampleRow: Int32 = -1
        var sampleHasFrames = false
        var lastTimestamp: Int64 = 0
        var sawTimestamp = false
        let start = base + range.lowerBound
        let end = range.count
        var lineStart = 0

        func appendRow(_ offset: Int, task: UInt32, event: UInt16, cpu: Int32, payload: Int) {
            piece.lineOffsets.append(UInt32(truncatingIfNeeded: offset))
            piece.timestamps.append(lastTimestamp)
            piece.tasks.append(task)
            piece.events.append(event)
            piece.cpus.append(cpu >= 0 && cpu < 0xFFFF ? UInt16(cpu) : 0xFFFF)
            piece.flags.append(EventFlags.absent)
            piece.payloadOffsets.append(UInt16(clamping: payload))
        }

        while lineStart < end {
            let nl = memchrBytes(start + lineStart, Byte.newline, end - lineStart)
            let lineEnd = nl.map { $0 - start } ?? end
            var len = lineEnd - lineStart
            if len > 0, start[lineStart + len - 1] == Byte.cr { len -= 1 }
            let line = LineBytes(start + lineStart, len)
            defer { lineStart = lineEnd + 1 }
            lines += 1
            let first = line.skipSpaces(from: 0)
            if first == line.count {
                sampleRow = -1
                continue
            }
            if first == 0, line[0] == Byte.hash { continue }
            // Inside a sample an indented line is a frame; one at column 0 is a frame only when it is
            // not a header (some exports print frames unindented).
            var header: PerfSampleHeader?
            if sampleRow >= 0 || first > 0 {
                // Tracepoint records right-align the comm (`            perf  5154 [000] …`), so a line indented
                // with spaces may be a header; perf indents frames with a tab.
                if first == 0 || line[0] != Byte.tab { header = PerfSampleHeader(line) }
                if header == nil, let (frame, address) = PerfFrame.parse(line) {
                    piece.counts.stackFrames += 1
                    guard sampleRow >= 0 else { continue }
                    if !sampleHasFrames {
                        sampleHasFrames = true
                        piece.counts.stackBlocks += 1
                    }
                    if keepRows {
                        let e = line.trimmedEnd(line.count)
                        let symbol = piece.symbols.intern(line.p + frame, max(0, e - frame))
                        piece.stacks.append(frame: symbol, toRow: sampleRow, address: address)
                    }
                    continue
                }
            }
            if header == nil { header = PerfSampleHeader(line) }
            guard let h = header else {
                piece.counts.unparsed += 1
                sampleRow = -1
                if keepRows {
                    appendRow(lineStart, task: unknownTask, event: SpecialEvent.unparsed.rawValue, cpu: -1, payload: 0)
                }
                continue
            }
            if let t = h.timestamp {
                if !sawTimestamp {
                    sawTimestamp = true
                    piece.rowsBeforeFirstTimestamp = keepRows ? piece.lineOffsets.count : 0
                    piece.counts.firstTimestamp = t
                    piece.counts.clock = .seconds
                }
                lastTimestamp = t
                piece.counts.lastTimestamp = t
                piece.counts.earliestTimestamp = min(piece.counts.earliestTimestamp ?? .max, t)
                piece.counts.latestTimestamp = max(piece.counts.latestTimestamp ?? .min, t)
            }
            let eventID = piece.eventNames.intern(line.p + h.eventStart, h.eventEnd - h.eventStart,
                                                  extra: EventName.Form.plain.rawValue)
            if Int(eventID) == byEvent.count { byEvent.append(0) }
            byEvent[Int(eventID)] += 1
            // A CPU past Linux's most is not counted per CPU (the table would grow to it).
            if h.cpu >= 0, h.cpu <= PieceParser.largestCPU {
                let cpu = Int(h.cpu)
                if cpu >= byCPU.count { byCPU += Array(repeating: 0, count: cpu + 1 - byCPU.count) }
                byCPU[cpu] += 1
            }
            sampleHasFrames = false
            guard keepRows else {
                sampleRow = 0
                continue
            }
            let task = piece.taskNames.intern(line.p + h.commStart, h.commEnd - h.commStart, extra: Int64(h.tid))
            if Int(task) == piece.taskTgids.count { piece.taskTgids.append(h.pid) }
            sampleRow = Int32(piece.lineOffsets.count)
            let event = eventID < UInt32(UInt16.max) ? UInt16(eventID) : SpecialEvent.unparsed.rawValue
            appendRow(lineStart, task: task, event: event, cpu: h.cpu, payload: h.payloadStart)
        }
        piece.counts.byEvent = byEvent
        piece.counts.byCPU = byCPU
        piece.counts.lines = lines
        if !sawTimestamp { piece.rowsBeforeFirstTimestamp = piece.lineOffsets.count }
        return piece
    }
}

/// The fields of a `perf script` sample header line, as offsets into the line.
public struct PerfSampleHeader {
    var commStart = 0
    var commEnd = 0
    /// The process id (`pid/tid` form) or the thread id when only one number is printed.
    var pid: Int32 = -1
    var tid: Int32 = -1
    var cpu: Int32 = -1
    var timestamp: Int64?
    /// The sample's period (`10101010 cpu-clock:`), nil when the column is absent.
    public var period: Int64?
    var eventStart = 0
    var eventEnd = 0
    var payloadStart = 0

    /// `comm pid[/tid] [cpu] [time:] [period] event: [fields]`; the comm may hold spaces and digits, so it
    /// ends before the first all-digit word that the rest of the grammar accepts.
    init?(_ line: LineBytes) {
        let n = line.count
        let s = line.skipSpaces(from: 0)
        guard s < n else { return nil }
        var i = s
        while i < n {
            // The next word.
            while i < n, !Byte.isSpace(line[i]) { i += 1 }
            let wordEnd = i
            i = line.skipSpaces(from: i)
            guard i < n, wordEnd > s else { return nil }
            // `:-1    -1 [001] …`: perf prints a task it never saw a comm for as pid -1.
            let pidStart = Byte.isDigit(line[i])
                || (line[i] == Byte.dash && i + 1 < n && Byte.isDigit(line[i + 1]))
            if pidStart, parseRest(line, from: i) {
                commStart = s
                commEnd = wordEnd
                return
            }
        }
        return nil
    }

    public init?(bytes: UnsafeRawBufferPointer) {
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        self.init(LineBytes(p, bytes.count))
    }

    private mutating func parseRest(_ line: LineBytes, from start: Int) -> Bool {
        let n = line.count
        let negative = line[start] == Byte.dash
        var (first, i) = line.digits(from: negative ? start + 1 : start)
        if negative { first = -first }
        var second: Int64?
        if i < n, line[i] == Byte.slash {
            // `5167/-1`: perf did not know the thread.
            let minus = i + 1 < n && line[i + 1] == Byte.dash
            let from = minus ? i + 2 : i + 1
            let d = line.digits(from: from)
            guard d.end > from else { return false }
            second = minus ? -d.value : d.value
            i = d.end
        }
        guard i < n, Byte.isSpace(line[i]) else { return false }
        pid = Int32(truncatingIfNeeded: first)
        tid = Int32(truncatingIfNeeded: second ?? first)
        i = line.skipSpaces(from: i)
        if i < n, line[i] == Byte.openBracket {
            let d = line.digits(from: i + 1)
            guard d.end > i + 1, d.end < n, line[d.end] == Byte.closeBracket else { return false }
            cpu = Int32(truncatingIfNeeded: d.value)
            i = line.skipSpaces(from: d.end + 1)
        }
        // `sec.frac:` (or an integer `ns:` with --ns off), then an optional period.
        if i < n, Byte.isDigit(line[i]) {
            let whole = line.digits(from: i)
            var j = whole.end
            // Checked: seconds past Int64's nanoseconds (or over 18 digits) are no time, and the line is unparsed.
            guard whole.end - i <= 18 else { return false }
            var (ns, overflow) = whole.value.multipliedReportingOverflow(by: 1_000_000_000)
            guard !overflow else { return false }
            var isTime = false
            if j < n, line[j] == Byte.dot {
                let fracEnd = line.digitsEnd(from: j + 1)
                let kept = min(9, fracEnd - j - 1)
                var frac: Int64 = 0
                for k in 0..<kept { frac = frac * 10 + Int64(line[j + 1 + k] - 0x30) }
                for _ in kept..<9 { frac *= 10 }
                (ns, overflow) = ns.addingReportingOverflow(frac)
                guard !overflow else { return false }
                j = fracEnd
                isTime = j < n && line[j] == Byte.colon
            } else if j < n, line[j] == Byte.colon {
                isTime = true
            }
            if isTime {
                timestamp = ns
                i = line.skipSpaces(from: j + 1)
            }
        }
        if i < n, Byte.isDigit(line[i]) {
            let d = line.digits(from: i)
            if d.end < n, Byte.isSpace(line[d.end]) {
                period = d.value
                i = line.skipSpaces(from: d.end)
            }
        }
        // The event: a word ending in `:` (`cycles:`, `cycles:u:`, `sched:sched_switch:`).
        var e = i
        while e < n, !Byte.isSpace(line[e]) { e += 1 }
        guard e > i + 1, line[e - 1] == Byte.colon else { return false }
        eventStart = i
        eventEnd = e - 1
        payloadStart = line.skipSpaces(from: e)
        return true
    }
}

/// A callchain line: `addr sym+off (dso)`.
enum PerfFrame {
    /// Where the symbol starts, when the line is a frame: a hex address, spaces, then text.
    @inline(__always)
    static func symbolStart(_ line: LineBytes) -> Int? {
        var i = line.skipSpaces(from: 0)
        let a = i
        while i < line.count, isHex(line[i]) { i += 1 }
        guard i > a, i < line.count, Byte.isSpace(line[i]) else { return nil }
        i = line.skipSpaces(from: i)
        return i < line.count ? i : nil
    }

    /// Where the symbol starts and the frame's address (the hex digits read as they are scanned; an address
    /// past 16 digits keeps its low 64 bits), when the line is a frame.
    @inline(__always)
    static func parse(_ line: LineBytes) -> (symbol: Int, address: UInt64)? {
        var i = line.skipSpaces(from: 0)
        let a = i
        var address: UInt64 = 0
        while i < line.count {
            let c = line[i]
            let v: UInt8
            if Byte.isDigit(c) { v = c &- 0x30 } else if (c | 0x20) &- 0x61 < 6 { v = (c | 0x20) &- 0x57 } else { break }
            address = address &<< 4 | UInt64(v)
            i += 1
        }
        guard i > a, i < line.count, Byte.isSpace(line[i]) else { return nil }
        i = line.skipSpaces(from: i)
        return i < line.count ? (i, address) : nil
    }

    @inline(__always)
    static func isHex(_ c: UInt8) -> Bool { Byte.isDigit(c) || (c | 0x20) &- 0x61 < 6 }
}

/// Whether the text is `perf script` output: the first lines that are not comments are a sample header
/// followed by a frame or another header — or the file opens with perf's `# ========` / `# captured on`
/// block. Looks at the first 64 KiB only.
public func looksLikePerfScript(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
    let n = min(bytes.count, 1 << 16)
    var start = 0
    var headers = 0
    var frames = 0
    var lines = 0
    while start < n, lines < 40 {
        let nl = memchrBytes(p + start, Byte.newline, n - start).map { $0 - p } ?? n
        var len = nl - start
        if len > 0, p[start + len - 1] == Byte.cr { len -= 1 }
        let line = LineBytes(p + start, len)
        start = nl + 1
        let first = line.skipSpaces(from: 0)
        if first == line.count { continue }
        if line[first] == Byte.hash {
            if line.hasPrefix("# captured on", at: first) || line.hasPrefix("# perf version", at: first) { return true }
            continue
        }
        lines += 1
        if line[0] != Byte.tab, PerfSampleHeader(line) != nil {
            headers += 1
        } else if headers > 0, PerfFrame.symbolStart(line) != nil, line[line.trimmedEnd(line.count) - 1] == Byte.closeParen {
            frames += 1
        } else {
            return false
        }
        if headers >= 1 && frames >= 1 { return true }
        if headers >= 3 { return true }
    }
    return headers > 0 && (frames > 0 || start >= bytes.count)
}
