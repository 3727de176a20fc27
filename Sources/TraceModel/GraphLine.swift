/// One function_graph line taken apart: the duration column, the indentation, and what the text says.
struct GraphLine {
    enum Kind: Equatable { case entry, leaf, exit, irqEnter, irqExit, comment, other }

    var kind: Kind = .other
    /// Nanoseconds from the DURATION column, when it has one.
    var duration: Int64?
    /// Columns of indentation before the function text (depth × 2 in the kernel's layout).
    var indent = 0
    /// The function's name: `func` of `func() {` / `func();`, or of `} /* func */` / `} /* func = -22 */`.
    var nameStart = 0
    var nameEnd = 0
    /// A name the line does not spell out (uftrace's `linux:schedule` records); nil for the bytes above.
    var scheduleName: ScheduleName?

    /// The names uftrace reports its scheduler records under.
    enum ScheduleName: String {
        case schedule = "linux:schedule"
        case preempted = "linux:schedule (pre-empted)"
    }

    /// Parses the text the stream keeps as a graph row's payload: `[mark] 1.234 us |  func() {`, or the
    /// same after trace-cmd's `funcgraph_entry:` prefix, or the no-duration form `func() {`.
    static func parse(_ line: LineBytes, from start: Int) -> GraphLine {
        var g = GraphLine()
        var k = line.skipSpaces(from: start)
        // With no duration column the indentation counts from the payload's start.
        var text = start
        if line.hasPrefix("==========>", at: k) {
            g.kind = .irqEnter
            return g
        }
        if line.hasPrefix("<==========", at: k) {
            g.kind = .irqExit
            return g
        }
        if line.hasPrefix("func=", at: k) { return parseRaw(line, from: k) }
        if line.hasPrefix("--> ", at: k) || line.hasPrefix("<-- ", at: k) { return parseArrows(line, from: k) }
        if let bar = line.find(Byte.bar, from: k) {
            var column = line.trimmedEnd(bar)
            // uftrace prints the thread as `[ 1234]` between the duration and the bar.
            if column > k, line[column - 1] == Byte.closeBracket, let open = lastIndex(line, Byte.openBracket, k, column) {
                column = line.trimmedEnd(open)
            }
            if k < column, line.hasPrefix("==========>", at: k) {
                g.kind = .irqEnter
                return g
            }
            if k < column, line.hasPrefix("<==========", at: k) {
                g.kind = .irqExit
                return g
            }
            if k < column {
                g.duration = parseDuration(line, from: k, to: column)
                guard g.duration != nil else { return g }
            }
            k = bar + 1
            text = k
        }
        // The kernel prints two spaces after the bar, then two per level.
        let first = line.skipSpaces(from: text)
        g.indent = first - text
        let end = line.trimmedEnd(line.count)
        guard first < end else { return g }
        if line[first] == Byte.closeBrace {
            g.kind = .exit
            if let open = find(line, "/*", from: first), let close = find(line, "*/", from: open + 2) {
                let s = line.skipSpaces(from: open + 2)
                var e = s
                while e < close, !Byte.isSpace(line[e]), line[e] != Byte.openParen { e += 1 }
                g.nameStart = s
                g.nameEnd = e
            }
            return g
        }
        if line[first] == Byte.slash, first + 1 < end, line[first + 1] == Byte.star {
            g.kind = .comment
            parseSchedule(line, from: first + 2, to: end, into: &g)
            return g
        }
        var e = first
        while e < end, line[e] != Byte.openParen, line[e] != Byte.semicolon, !Byte.isSpace(line[e]) { e += 1 }
        g.nameStart = first
        g.nameEnd = e
        let code = codeEnd(line, from: first, to: end)
        if line[code - 1] == Byte.openBrace {
            g.kind = .entry
        } else if line.find(Byte.semicolon, from: e, to: code) != nil {
            g.kind = .leaf
        }
        return g
    }

    /// uftrace's `linux:schedule` records: `/* linux:sched-out */` (or `(pre-empted)`) when the thread leaves
    /// the CPU opens a call, and `/* linux:sched-in */`, with the time off the CPU, closes it — as `uftrace
    /// report` counts them, as calls of `linux:schedule` (or `linux:schedule (pre-empted)`).
    static func parseSchedule(_ line: LineBytes, from start: Int, to end: Int, into g: inout GraphLine) {
        let k = line.skipSpaces(from: start)
        if line.hasPrefix("linux:sched-out", at: k) {
            g.kind = .entry
            let rest = line.skipSpaces(from: k + 15)
            g.scheduleName = line.hasPrefix("(pre-empted)", at: rest) ? .preempted : .schedule
        } else if line.hasPrefix("linux:sched-in", at: k) {
            g.kind = .exit
            g.scheduleName = .schedule
        } else if line.hasPrefix("linux:schedule", at: k), g.duration != nil {
            // Out and back in with nothing between: one line with the time off the CPU.
            g.kind = .leaf
            let rest = line.skipSpaces(from: k + 14)
            g.scheduleName = line.hasPrefix("(pre-empted)", at: rest) ? .preempted : .schedule
        }
    }

    /// trace-cmd's raw fields (`report -R`, or no function_graph plugin): `func=0xffff… depth=1` opens a call,
    /// `func=0xffff… calltime=0x… rettime=0x… overrun=0x0 depth=1` closes it (times in ns).
    static func parseRaw(_ line: LineBytes, from start: Int) -> GraphLine {
        var g = GraphLine()
        g.nameStart = start + 5
        var e = g.nameStart
        while e < line.count, !Byte.isSpace(line[e]) { e += 1 }
        g.nameEnd = e
        var calltime: Int64?, rettime: Int64?
        var k = line.skipSpaces(from: e)
        while k < line.count {
            var eq = k
            while eq < line.count, line[eq] != Byte.equals, !Byte.isSpace(line[eq]) { eq += 1 }
            var v = eq + 1
            while v < line.count, !Byte.isSpace(line[v]) { v += 1 }
            if eq < line.count, line[eq] == Byte.equals {
                let value = integer(line, from: eq + 1, to: v)
                if line.hasPrefix("calltime=", at: k) { calltime = value }
                if line.hasPrefix("rettime=", at: k) { rettime = value }
                // Clamped: a hex depth reads up to Int64.max, and doubling it trapped (found by the fuzzer).
                if line.hasPrefix("depth=", at: k) { g.indent = 2 + 2 * Int(max(0, min(value ?? 0, 1 << 16))) }
            }
            k = line.skipSpaces(from: v)
        }
        if let calltime, let rettime {
            g.kind = .exit
            g.duration = max(0, rettime - calltime)
        } else {
            g.kind = .entry
        }
        return g
    }

    /// The kernel's own print format of the function_graph events, as libtraceevent prints a trace.dat without
    /// trace-cmd's graph view: `--> do_sys_open (1)` opens a call at depth 1,
    /// `<-- do_sys_open (1) (start: 3a8c8a5227  end: 3a8c8a5299) over: 0` closes it (hex ns).
    static func parseArrows(_ line: LineBytes, from start: Int) -> GraphLine {
        var g = GraphLine()
        g.nameStart = start + 4
        var e = g.nameStart
        while e < line.count, !Byte.isSpace(line[e]) { e += 1 }
        g.nameEnd = e
        var k = line.skipSpaces(from: e)
        if k < line.count, line[k] == Byte.openParen {
            let d = line.digitsEnd(from: k + 1)
            g.indent = 2 + 2 * Int(line.number(from: k + 1, to: d) ?? 0)
            k = d
        }
        guard line[start] == UInt8(ascii: "<") else {
            g.kind = .entry
            return g
        }
        g.kind = .exit
        func hex(after label: StaticString) -> Int64? {
            guard let at = find(line, label, from: k) else { return nil }
            let s = line.skipSpaces(from: at + label.utf8CodeUnitCount)
            var v = s
            while v < line.count, !Byte.isSpace(line[v]), line[v] != Byte.closeParen { v += 1 }
            guard v > s else { return nil }
            // Printed with %llx: hexadecimal without a 0x.
            var value: Int64 = 0
            for i in s..<v {
                let c = line[i] | 0x20
                switch c {
                case 0x30...0x39: value = value &* 16 &+ Int64(c - 0x30)
                case 0x61...0x66: value = value &* 16 &+ Int64(c - 0x61 + 10)
                default: return nil
                }
            }
            return value
        }
        if let s = hex(after: "start:"), let t = hex(after: "end:") { g.duration = max(0, t - s) }
        return g
    }

    /// A decimal or `0x` hexadecimal integer.
    static func integer(_ line: LineBytes, from: Int, to: Int) -> Int64? {
        if to - from > 2, line[from] == 0x30, line[from + 1] | 0x20 == 0x78 {
            var v: Int64 = 0
            for k in (from + 2)..<to {
                let c = line[k]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x61...0x66: d = c - 0x61 + 10
                case 0x41...0x46: d = c - 0x41 + 10
                default: return nil
                }
                // Past Int64.max is no number, as past 18 decimal digits is not: wrapped to a negative rettime,
                // it would trap `rettime - calltime`.
                guard v <= (Int64.max - Int64(d)) / 16 else { return nil }
                v = v * 16 + Int64(d)
            }
            return v
        }
        return line.number(from: from, to: to)
    }

    /// The end of a call's text before a trailing `/* … */` comment (retval, retaddr, tail).
    static func codeEnd(_ line: LineBytes, from start: Int, to end: Int) -> Int {
        guard end - start >= 4, line[end - 1] == Byte.slash, line[end - 2] == Byte.star else { return end }
        var k = start + 1
        while k + 1 < end {
            if line[k] == Byte.slash, line[k + 1] == Byte.star {
                let e = line.trimmedEnd(k)
                return e > start ? e : end
            }
            k += 1
        }
        return end
    }

    /// `1.234 us`, `+ 49.370 us`, `! 1000131 us`, `* 33998.59 us` → nanoseconds; uftrace also prints
    /// `47.618 ms`, `1.002  s`, `2.500  m` and `1.000  h` (its print_time_unit moves to the next unit at 1000).
    static func parseDuration(_ line: LineBytes, from: Int, to: Int) -> Int64? {
        var k = from
        if k < to, !Byte.isDigit(line[k]) {
            guard FtraceLineParser.isDelayMark(line[k]) else { return nil }
            k = line.skipSpaces(from: k + 1)
        }
        let d = line.digitsEnd(from: k)
        guard d > k, let whole = line.number(from: k, to: d) else { return nil }
        var u = d
        var fraction: Int64 = 0, fractionScale: Int64 = 1
        if u < to, line[u] == Byte.dot {
            u += 1
            while u < to, Byte.isDigit(line[u]) {
                // Digits past a nanosecond of the largest unit say nothing: stop before overflowing.
                if fractionScale < 1_000_000_000 {
                    fraction = fraction * 10 + Int64(line[u] - 0x30)
                    fractionScale *= 10
                }
                u += 1
            }
        }
        u = line.skipSpaces(from: u)
        guard let (scale, _) = unit(line, at: u, to: to) else { return nil }
        // Checked: a duration past Int64's nanoseconds is no duration (the line is unparsed), never a trap.
        let (ns, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        let (part, large) = fraction.multipliedReportingOverflow(by: scale)
        let fractionNS = large ? Int64(Double(fraction) * Double(scale) / Double(fractionScale)) : part / fractionScale
        let (sum, over) = ns.addingReportingOverflow(fractionNS)
        return over ? nil : sum
    }

    /// Nanoseconds per unit of the unit word at `at` (`ns`, `us`, `ms`, `s`, `m`, `h`), and where it ends.
    static func unit(_ line: LineBytes, at u: Int, to: Int) -> (scale: Int64, end: Int)? {
        guard u < to else { return nil }
        let c0 = line[u]
        let c1: UInt8 = u + 1 < to ? line[u + 1] : Byte.space
        if c1 == 0x73 /* s */ {
            switch c0 {
            case 0x6E: return (1, u + 2)  // ns
            case 0x75: return (1000, u + 2)  // us
            case 0x6D: return (1_000_000, u + 2)  // ms
            default: break
            }
        }
        guard Byte.isSpace(c1) else { return nil }
        switch c0 {
        case 0x73: return (1_000_000_000, u + 1)  // s
        case 0x6D: return (60_000_000_000, u + 1)  // m
        case 0x68: return (3_600_000_000_000, u + 1)  // h
        default: return nil
        }
    }

    private static func lastIndex(_ line: LineBytes, _ byte: UInt8, _ from: Int, _ to: Int) -> Int? {
        var k = to - 1
        while k >= from {
            if line[k] == byte { return k }
            k -= 1
        }
        return nil
    }

    private static func find(_ line: LineBytes, _ s: StaticString, from: Int) -> Int? {
        var k = from
        while k < line.count {
            if line.hasPrefix(s, at: k) { return k }
            k += 1
        }
        return nil
    }
}
