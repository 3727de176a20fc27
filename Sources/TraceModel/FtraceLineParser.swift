/// Recognises one line of ftrace text in every layout the kernel prints: the default and `trace_pipe`
/// layouts (with or without irq-info, record-tgid), the latency format, and function_graph lines.
///
/// Works on the line's bytes and returns offsets; never builds a `String`.
struct FtraceLineParser {
    /// Counting (`stat`) never looks at the irq-info flags of the default layout: skip decoding them.
    var decodesFlags = true

    @inline(__always)
    func parse(_ line: LineBytes) -> ParsedLine {
        let n = line.count
        let i = line.skipSpaces(from: 0)
        if i == n { return ParsedLine(kind: .blank) }
        let c = line[i]
        if c == Byte.hash { return parseHashLine(line, i) }
        if c == Byte.equals, i + 1 < n, line[i + 1] == Byte.greater { return ParsedLine(kind: .stackFrame) }
        if c == 0x43 /* C */ || c == Byte.openBracket, let lost = parseLost(line, i) { return lost }
        if Byte.isDigit(c), let graph = parseGraph(line, i) { return graph }
        if let event = parseStandard(line, i) { return event }
        if let event = parseLatency(line, i) { return event }
        if let event = parseUftrace(line, i) { return event }
        if let event = parseTorn(line, i) { return event }
        if c == Byte.dash, isAll(line, Byte.dash, from: i) { return ParsedLine(kind: .decoration) }
        if i == 0, isTraceCmdHeader(line) { return ParsedLine(kind: .header) }
        return ParsedLine(kind: .unparsed)
    }

    /// `trace-cmd report` opens with `version = 6`, `CPU 3 is empty` and `cpus=8` lines.
    private func isTraceCmdHeader(_ line: LineBytes) -> Bool {
        let end = line.trimmedEnd(line.count)
        func digits(from k: Int) -> Int? {
            let d = line.digitsEnd(from: k)
            return d > k ? d : nil
        }
        if line.hasPrefix("cpus=", at: 0), let d = digits(from: 5) { return d == end }
        if line.hasPrefix("version = ", at: 0), let d = digits(from: 10) { return d == end }
        if line.hasPrefix("CPU ", at: 0), let d = digits(from: 4), line.hasPrefix(" is empty", at: d) {
            return d + 9 == end
        }
        return false
    }

    // MARK: - comments, lost events

    private func parseHashLine(_ line: LineBytes, _ i: Int) -> ParsedLine {
        // `##### CPU 3 buffer started ####`
        if line.hasPrefix("##### CPU ", at: i) {
            let d0 = i + 10
            let d1 = line.digitsEnd(from: d0)
            if d1 > d0, line.hasPrefix(" buffer started", at: d1), let cpu = line.number(from: d0, to: d1) {
                var r = ParsedLine(kind: .bufferStarted)
                r.cpu = Int32(truncatingIfNeeded: cpu)
                return r
            }
        }
        return ParsedLine(kind: .header)
    }

    /// `CPU:2 [LOST 11745 EVENTS]`, `[LOST 11745 EVENTS]`, `CPU:2 [LOST EVENTS]`.
    private func parseLost(_ line: LineBytes, _ i: Int) -> ParsedLine? {
        var k = i
        var cpu: Int32 = -1
        if line.hasPrefix("CPU:", at: k) {
            let d1 = line.digitsEnd(from: k + 4)
            guard d1 > k + 4, let v = line.number(from: k + 4, to: d1) else { return nil }
            cpu = Int32(truncatingIfNeeded: v)
            k = line.skipSpaces(from: d1)
        }
        guard line.hasPrefix("[LOST ", at: k) else { return nil }
        k += 6
        var count: Int64 = 0
        let d1 = line.digitsEnd(from: k)
        if d1 > k {
            count = line.number(from: k, to: d1) ?? 0
            k = d1 + 1
        }
        guard line.hasPrefix("EVENTS]", at: k), line.skipSpaces(from: k + 7) == line.count else { return nil }
        var r = ParsedLine(kind: .lost)
        r.cpu = cpu
        r.lostCount = count
        return r
    }

    // MARK: - the default layout: `comm-pid [(tgid)] [cpu] [flags] timestamp: payload`

    @inline(__always)
    private func parseStandard(_ line: LineBytes, _ i: Int) -> ParsedLine? {
        let n = line.count
        // The cpu column is the first ` [digits]` that follows `-pid` (and an optional `(tgid)`): a task may be
        // named `x [1]`, so a bracketed number alone does not mark the column.
        var search = i
        var found: (open: Int, close: Int, column: PidColumn)?
        while found == nil, let b = line.find(Byte.openBracket, from: search) {
            search = b + 1
            guard b > i, Byte.isSpace(line[b - 1]) else { continue }
            let d = line.digitsEnd(from: b + 1)
            guard d > b + 1, d < n, line[d] == Byte.closeBracket,
                  let column = pidColumn(line, commStart: i, before: b) else { continue }
            found = (b, d, column)
        }
        guard let (open, close, column) = found, let cpu = line.number(from: open + 1, to: close) else { return nil }
        var r = ParsedLine(kind: .event)
        r.cpu = Int32(truncatingIfNeeded: cpu)
        r.pid = column.pid
        if let tgid = column.tgid { r.tgid = tgid }
        r.commStart = i
        r.commEnd = column.commEnd

        // After the cpu: optional flags, then the timestamp ending in ':'.
        var k = line.skipSpaces(from: close + 1)
        var tokenEnd = tokenEnd(line, from: k)
        if !(tokenEnd > k && line[tokenEnd - 1] == Byte.colon) {
            if decodesFlags, let f = EventFlags.pack(line, from: k, to: tokenEnd) { r.flags = f }
            k = line.skipSpaces(from: tokenEnd)
            tokenEnd = self.tokenEnd(line, from: k)
        }
        guard tokenEnd > k + 1, line[tokenEnd - 1] == Byte.colon,
              parseTimestamp(line, from: k, to: tokenEnd - 1, into: &r) else { return nil }
        r.payloadStart = skipTimeDelta(line, from: line.skipSpaces(from: tokenEnd))
        r.nameDeferred = true
        return r
    }

    /// `trace-cmd report --ts-diff` puts `(+1588660)` (ns since the previous event) before the event name.
    private func skipTimeDelta(_ line: LineBytes, from k: Int) -> Int {
        guard k + 3 < line.count, line[k] == Byte.openParen, line[k + 1] == 0x2B else { return k }
        let d = line.digitsEnd(from: k + 2)
        guard d > k + 2, d < line.count, line[d] == Byte.closeParen else { return k }
        return line.skipSpaces(from: d + 1)
    }

    /// `kworker/0:1-11 [000] d..2.   88    <idle>-0 [000] d.h1. 889.225130: irq_handler_entry: …`: a line
    /// whose start was overwritten by the next one (a reader too slow for `trace_pipe`). The event at its end
    /// is whole: it is read from the last `comm-pid [cpu]` column that makes a full line.
    private func parseTorn(_ line: LineBytes, _ i: Int) -> ParsedLine? {
        var search = i
        var columns = 0
        var candidates: [Int] = []
        while let b = line.find(Byte.openBracket, from: search) {
            search = b + 1
            guard b > i, Byte.isSpace(line[b - 1]) else { continue }
            let d = line.digitsEnd(from: b + 1)
            guard d > b + 1, d < line.count, line[d] == Byte.closeBracket else { continue }
            columns += 1
            // The comm starts at the token before the column's `-pid` (a torn line's comm has no spaces).
            var s = line.skipSpacesBackward(from: b - 1)
            while s > i, !Byte.isSpace(line[s - 1]) { s -= 1 }
            if columns > 1 || s > i { candidates.append(s) }
        }
        guard columns >= 2 else { return nil }
        for s in candidates where s > i {
            if var r = parseStandard(line, s) {
                r.tornPrefix = true
                return r
            }
        }
        return nil
    }

    struct PidColumn {
        var pid: Int32
        var tgid: Int32?
        var commEnd: Int
    }

    /// The `comm-pid` (and optional `(tgid)`) that ends just before `before`, walking back; nil when the
    /// bytes there are not that shape.
    func pidColumn(_ line: LineBytes, commStart i: Int, before: Int) -> PidColumn? {
        var tgid: Int32?
        var j = line.skipSpacesBackward(from: before - 1)
        if j > i, line[j] == Byte.closeParen {
            var o = j - 1
            while o > i, line[o] != Byte.openParen { o -= 1 }
            guard o > i else { return nil }
            let t0 = line.skipSpaces(from: o + 1)
            if let t = line.number(from: t0, to: j) { tgid = Int32(truncatingIfNeeded: t) }
            j = line.skipSpacesBackward(from: o - 1)
        }
        let pidEnd = j + 1
        while j >= i, Byte.isDigit(line[j]) { j -= 1 }
        guard j > i, j + 1 < pidEnd, line[j] == Byte.dash,
              let pid = line.number(from: j + 1, to: pidEnd) else { return nil }
        return PidColumn(pid: Int32(truncatingIfNeeded: pid), tgid: tgid, commEnd: j)
    }

    private static let powersOfTen: [Int64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000,
                                                100_000_000, 1_000_000_000]

    @inline(__always)
    private func tokenEnd(_ line: LineBytes, from: Int) -> Int {
        var k = from
        while k < line.count, !Byte.isSpace(line[k]) { k += 1 }
        return k
    }

    /// `sec.frac` into nanoseconds, or a bare integer kept raw.
    @inline(__always)
    private func parseTimestamp(_ line: LineBytes, from: Int, to: Int, into r: inout ParsedLine) -> Bool {
        let (whole, intEnd) = line.digits(from: from)
        guard intEnd > from, intEnd - from <= 18 else { return false }
        if intEnd == to {
            r.timestamp = whole
            r.clock = .counter
            r.hasTimestamp = true
            return true
        }
        guard line[intEnd] == Byte.dot else { return false }
        let fracEnd = line.digitsEnd(from: intEnd + 1)
        let digits = fracEnd - intEnd - 1
        guard fracEnd == to, digits > 0 else { return false }
        // Below a nanosecond: the extra digits are dropped (read, they would overflow past 18).
        let kept = min(digits, 9)
        guard let fraction = line.number(from: intEnd + 1, to: intEnd + 1 + kept) else { return false }
        let frac = fraction * Self.powersOfTen[9 - kept]
        // Past Int64's nanoseconds (292 years): the line is unparsed, not wrapped into a negative time.
        let (ns, over) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, over2) = ns.addingReportingOverflow(frac)
        guard !over, !over2 else { return false }
        r.timestamp = sum
        r.clock = .seconds
        r.hasTimestamp = true
        return true
    }

    // MARK: - the latency format: `comm-pid  2d..1  259us+: payload`

    private func parseLatency(_ line: LineBytes, _ i: Int) -> ParsedLine? {
        var search = i
        while let colon = line.find(Byte.colon, from: search) {
            search = colon + 1
            guard colon >= 4 else { continue }
            if let r = parseLatencySeconds(line, i, colon: colon) { return r }
            let mark = line[colon - 1]
            guard Self.isDelayMark(mark), line[colon - 3] == 0x75, line[colon - 2] == 0x73 else { continue }
            var t0 = colon - 3
            while t0 > i, Byte.isDigit(line[t0 - 1]) { t0 -= 1 }
            guard t0 < colon - 3, t0 > i, Byte.isSpace(line[t0 - 1]),
                  let micros = line.number(from: t0, to: colon - 3) else { continue }
            // The token before the time: cpu digits glued to the flags.
            let tokEnd = line.skipSpacesBackward(from: t0 - 1) + 1
            var tokStart = tokEnd
            while tokStart > i, !Byte.isSpace(line[tokStart - 1]) { tokStart -= 1 }
            let cpuEnd = line.digitsEnd(from: tokStart)
            guard cpuEnd > tokStart, let cpu = line.number(from: tokStart, to: cpuEnd),
                  let flags = EventFlags.pack(line, from: cpuEnd, to: tokEnd) else { return nil }
            guard let column = pidColumn(line, commStart: i, before: tokStart) else { return nil }
            var r = ParsedLine(kind: .event)
            r.commStart = i
            r.commEnd = column.commEnd
            r.pid = column.pid
            r.cpu = Int32(truncatingIfNeeded: cpu)
            r.flags = flags
            let (ns, over) = micros.multipliedReportingOverflow(by: 1000)
            guard !over else { return nil }
            r.timestamp = ns
            r.clock = .relativeMicroseconds
            r.hasTimestamp = true
            r.payloadStart = line.skipSpaces(from: colon + 1)
            r.nameDeferred = true
            return r
        }
        return nil
    }

    /// `trace-cmd report -l`: the latency columns with an absolute time, `bash-16828   1d..2.  9953.397731: …`.
    private func parseLatencySeconds(_ line: LineBytes, _ i: Int, colon: Int) -> ParsedLine? {
        var t0 = colon
        while t0 > i, Byte.isDigit(line[t0 - 1]) || line[t0 - 1] == Byte.dot { t0 -= 1 }
        guard t0 < colon, t0 > i, Byte.isSpace(line[t0 - 1]), line.find(Byte.dot, from: t0, to: colon) != nil else {
            return nil
        }
        var r = ParsedLine(kind: .event)
        guard parseTimestamp(line, from: t0, to: colon, into: &r) else { return nil }
        let tokEnd = line.skipSpacesBackward(from: t0 - 1) + 1
        var tokStart = tokEnd
        while tokStart > i, !Byte.isSpace(line[tokStart - 1]) { tokStart -= 1 }
        let cpuEnd = line.digitsEnd(from: tokStart)
        guard cpuEnd > tokStart, let cpu = line.number(from: tokStart, to: cpuEnd),
              let flags = EventFlags.pack(line, from: cpuEnd, to: tokEnd),
              let column = pidColumn(line, commStart: i, before: tokStart) else { return nil }
        r.commStart = i
        r.commEnd = column.commEnd
        r.pid = column.pid
        r.cpu = Int32(truncatingIfNeeded: cpu)
        r.flags = flags
        r.payloadStart = skipTimeDelta(line, from: line.skipSpaces(from: colon + 1))
        r.nameDeferred = true
        return r
    }

    @inline(__always)
    static func isDelayMark(_ c: UInt8) -> Bool {
        switch c {
        case Byte.space, 0x21, 0x23, 0x2A, 0x40, 0x24, 0x2B: return true  // ' ' ! # * @ $ +
        default: return false
        }
    }

    private func isAll(_ line: LineBytes, _ byte: UInt8, from: Int) -> Bool {
        let end = line.trimmedEnd(line.count)
        guard end - from >= 3 else { return false }
        for k in from..<end where line[k] != byte { return false }
        return true
    }

    // MARK: - function_graph lines

    /// `[abstime |] cpu) [comm-pid |] [flags |] [duration |] function text`.
    private func parseGraph(_ line: LineBytes, _ i: Int) -> ParsedLine? {
        var r = ParsedLine(kind: .event)
        var k = i
        var d = line.digitsEnd(from: k)
        if !(d < line.count && line[d] == Byte.closeParen) {
            // An absolute (`360.774522 |`) or relative (`0 us |`) time column comes first.
            guard let bar = line.find(Byte.bar, from: d) else { return nil }
            let end = line.trimmedEnd(bar)
            if line.hasPrefix(" us", at: end - 3) {
                guard let v = line.number(from: k, to: line.trimmedEnd(end - 2)) else { return nil }
                let (ns, over) = v.multipliedReportingOverflow(by: 1000)
                guard !over else { return nil }
                r.timestamp = ns
                r.clock = .relativeMicroseconds
                r.hasTimestamp = true
            } else {
                guard parseTimestamp(line, from: k, to: end, into: &r) else { return nil }
            }
            k = line.skipSpaces(from: bar + 1)
            d = line.digitsEnd(from: k)
            guard d > k, d < line.count, line[d] == Byte.closeParen else { return nil }
        }
        guard let cpu = line.number(from: k, to: d) else { return nil }
        r.cpu = Int32(truncatingIfNeeded: cpu)
        var pos = d + 1
        var payloadStart = -1
        var sawIRQArrow = false
        var sawColumn = false
        while let bar = line.find(Byte.bar, from: pos) {
            let s = line.skipSpaces(from: pos)
            let e = line.trimmedEnd(bar)
            if s >= e {
                if payloadStart < 0 { payloadStart = s }
            } else if isDuration(line, s, e) {
                if payloadStart < 0 { payloadStart = s }
            } else if line.hasPrefix("==========>", at: s) || line.hasPrefix("<==========", at: s) {
                sawIRQArrow = true
                if payloadStart < 0 { payloadStart = s }
            } else if payloadStart < 0, let f = EventFlags.pack(line, from: s, to: e) {
                r.flags = f
            } else if payloadStart < 0, let (dash, pid) = procColumn(line, s, e) {
                r.commStart = s
                r.commEnd = dash
                r.pid = pid
            } else {
                break
            }
            sawColumn = true
            pos = bar + 1
        }
        let textStart = line.skipSpaces(from: pos)
        let textEnd = line.trimmedEnd(line.count)
        if !sawColumn, line.find(Byte.equals, from: textStart) != nil, isContextSwitchBanner(line, textStart, textEnd) {
            r.name = .named(.contextSwitch)
            r.payloadStart = textStart
            return r
        }
        if textStart >= textEnd {
            guard sawIRQArrow else { return nil }
            r.name = .named(.funcgraphIRQ)
        } else if line.hasPrefix("==========>", at: textStart) || line.hasPrefix("<==========", at: textStart) {
            // Without the duration column the kernel prints the irq arrows with no bar.
            r.name = .named(.funcgraphIRQ)
        } else {
            let first = line[textStart]
            // `f() { /* <-caller+0x1c/0x40 */` (funcgraph-retaddr): the comment is not the call's shape.
            let codeEnd = GraphLine.codeEnd(line, from: textStart, to: textEnd)
            let last = line[codeEnd - 1]
            if first == Byte.closeBrace {
                r.name = .named(.funcgraphExit)
            } else if first == Byte.slash, textStart + 1 < textEnd, line[textStart + 1] == Byte.star {
                r.name = .named(.print)
            } else if last == Byte.openBrace || line.find(Byte.semicolon, from: textStart, to: codeEnd) != nil {
                r.name = .named(.funcgraphEntry)
            } else {
                return nil
            }
        }
        // With no duration column the payload keeps the indentation: it is the call's depth.
        r.payloadStart = payloadStart >= 0 ? payloadStart : pos
        return r
    }

    // MARK: - uftrace replay: `   0.753 us [ 28141] |     getpid();`

    private func parseUftrace(_ line: LineBytes, _ i: Int) -> ParsedLine? {
        guard let open = line.find(Byte.openBracket, from: i) else { return nil }
        let d0 = line.skipSpaces(from: open + 1)
        let d1 = line.digitsEnd(from: d0)
        guard d1 > d0, d1 < line.count, line[d1] == Byte.closeBracket, let tid = line.number(from: d0, to: d1) else {
            return nil
        }
        let bar = line.skipSpaces(from: d1 + 1)
        guard bar < line.count, line[bar] == Byte.bar else { return nil }
        var r = ParsedLine(kind: .event)
        // `replay -f time,…` (or `-r`) puts a TIMESTAMP column first: `502716.387320101   0.289 us [ 6126] |`.
        var start = i
        if open > i, Byte.isDigit(line[i]), !isDuration(line, i, line.trimmedEnd(open)) {
            let end = tokenEnd(line, from: i)
            if end < open, line[line.digitsEnd(from: i)] == Byte.dot, parseTimestamp(line, from: i, to: end, into: &r) {
                start = line.skipSpaces(from: end)
            }
        }
        if open > start, !isDuration(line, start, line.trimmedEnd(open)) { return nil }
        let g = GraphLine.parse(line, from: start)
        switch g.kind {
        case .entry, .leaf: r.name = .named(.funcgraphEntry)
        case .exit: r.name = .named(.funcgraphExit)
        case .comment: r.name = .named(.print)
        default: return nil
        }
        r.pid = Int32(truncatingIfNeeded: tid)
        r.commStart = open
        r.commEnd = open
        r.payloadStart = start
        return r
    }

    /// `[+!#*@$] 12.345 us` or `1000131 us`.
    private func isDuration(_ line: LineBytes, _ s: Int, _ e: Int) -> Bool {
        var k = s
        if !Byte.isDigit(line[k]) {
            guard Self.isDelayMark(line[k]) else { return false }
            k = line.skipSpaces(from: k + 1)
        }
        let d = line.digitsEnd(from: k)
        guard d > k else { return false }
        var u = d
        if u < e, line[u] == Byte.dot { u = line.digitsEnd(from: u + 1) }
        u = line.skipSpaces(from: u)
        return GraphLine.unit(line, at: u, to: e)?.end == e
    }

    /// `sh-4802` in the funcgraph-proc column: returns the dash and the pid.
    private func procColumn(_ line: LineBytes, _ s: Int, _ e: Int) -> (Int, Int32)? {
        var j = e - 1
        while j > s, Byte.isDigit(line[j]) { j -= 1 }
        guard j > s, j < e - 1, line[j] == Byte.dash, let pid = line.number(from: j + 1, to: e) else { return nil }
        return (j, Int32(truncatingIfNeeded: pid))
    }

    /// ` 2)    <idle>-0    =>  <...>-122943`
    private func isContextSwitchBanner(_ line: LineBytes, _ s: Int, _ e: Int) -> Bool {
        var k = s
        while k + 1 < e {
            if line[k] == Byte.equals, line[k + 1] == Byte.greater,
               k > s, Byte.isSpace(line[k - 1]), k + 2 < e, Byte.isSpace(line[k + 2]) { return true }
            k += 1
        }
        return false
    }
}
