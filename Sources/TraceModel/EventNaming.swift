/// Names an event from its payload text, the way tracefs names the event that printed it.
enum EventNaming {
    /// Also turns `<stack trace>` lines into stack headers through `kind`.
    @inline(__always)
    static func name(_ line: LineBytes, from p: Int, kind: inout ParsedLine.Kind) -> EventName {
        var decidedBy = 0
        return name(line, from: p, kind: &kind, decidedBy: &decidedBy)
    }

    /// The same, also telling how far into the line the decision looked (`Int.max`: past a fixed window),
    /// so that a cache keyed on the payload's first bytes knows when it may answer instead.
    @inline(__always)
    static func name(_ line: LineBytes, from p: Int, kind: inout ParsedLine.Kind, decidedBy: inout Int) -> EventName {
        decidedBy = Int.max
        let n = line.count
        guard p < n else { return .named(.tracer) }
        let c = line[p]
        if c == Byte.less, line.hasPrefix("<stack trace>", at: p) || line.hasPrefix("<user stack trace>", at: p) {
            kind = .stackHeader
            return .named(.text)
        }
        var w = p
        while w < n, Byte.isIdent(line[w]) || line[w] == Byte.dot { w += 1 }
        if w > p {
            if w == n { return .named(.tracer) }
            let next = line[w]
            if next == Byte.colon, w + 1 == n || Byte.isSpace(line[w + 1]) {
                decidedBy = w + 2
                return .bytes(.plain, p, w)
            }
            let isSys = w - p > 4 && line.hasPrefix("sys_", at: p)
            if next == Byte.openParen, isSys {
                decidedBy = w + 1
                return .bytes(.sysEnter, p + 4, w)
            }
            if next == Byte.space {
                if isSys, line.hasPrefix(" -> ", at: w) {
                    decidedBy = w + 4
                    return .bytes(.sysExit, p + 4, w)
                }
                if line.hasPrefix(" <-", at: w) {
                    decidedBy = w + 3
                    return .named(.function)
                }
            }
        }
        // The wakeup tracers' `0:120:R   + [003]  312:100:R comm` and `==> [003]` lines.
        if Byte.isDigit(c), let colon = line.find(Byte.colon, from: p, to: min(n, p + 12)), colon > p {
            if line.find(Byte.equals, from: colon) != nil, containsArrow(line, from: colon) {
                return .named(.contextSwitch)
            }
            if let plus = line.find(0x2B, from: colon), plus + 3 < n, line[plus + 1] == Byte.space {
                return .named(.wakeup)
            }
        }
        return .named(.tracer)
    }

    private static func containsArrow(_ line: LineBytes, from: Int) -> Bool {
        var k = from
        while let e = line.find(Byte.equals, from: k) {
            if e + 2 < line.count, line[e + 1] == Byte.equals, line[e + 2] == Byte.greater { return true }
            k = e + 1
        }
        return false
    }
}
