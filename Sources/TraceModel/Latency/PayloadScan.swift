/// Reads fields out of an event's payload bytes without building Strings: the latency passes' hot path.
///
/// Handles the three shapes traces print: ftrace / perf `key=value`, syscall returns (`-> 0x3`, `0xfffffffffffffffe`),
/// and trace-cmd's plugin layouts (`comm:pid [prio] S ==> comm:pid [prio]`).
struct PayloadScan {
    let line: LineBytes

    init(_ bytes: UnsafeRawBufferPointer) {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        line = LineBytes(base, bytes.count)
    }

    var count: Int { line.count }

    /// Where the value of `key` starts (just after `key=`), searching from `from`; the key must begin the payload
    /// or follow a space.
    @inline(__always)
    func value(of key: StaticString, from: Int = 0) -> Int? {
        // A plain loop: payloads are short, and a memchr call per candidate byte costs more than it saves.
        let m = key.utf8CodeUnitCount
        let k0 = key.utf8Start[0]
        var i = from
        let last = line.count - m
        while i <= last {
            if line[i] == k0, i == 0 || Byte.isSpace(line[i - 1]), line.hasPrefix(key, at: i) { return i + m }
            i += 1
        }
        return nil
    }

    /// A signed decimal at `i`; nil when there is no digit.
    @inline(__always)
    func integer(at i: Int) -> Int64? {
        guard i < line.count else { return nil }
        let negative = line[i] == Byte.dash
        let s = negative ? i + 1 : i
        let (v, e) = line.digits(from: s)
        guard e > s else { return nil }
        return negative ? -v : v
    }

    /// The integer value of `key=`.
    @inline(__always)
    func int(_ key: StaticString, from: Int = 0) -> Int64? {
        value(of: key, from: from).flatMap { integer(at: $0) }
    }

    /// A number as syscalls print their returns: `0x…` hex read as a 64-bit two's complement, or signed decimal.
    func returnValue(at start: Int) -> Int64? {
        var i = line.skipSpaces(from: start)
        guard i < line.count else { return nil }
        if line.hasPrefix("0x", at: i) {
            i += 2
            var v: UInt64 = 0
            var digits = 0
            while i < line.count, let d = Self.hexDigit(line[i]) {
                v = v &<< 4 | UInt64(d)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            // A 32-bit print of a negative int (`0xfffffffe`) is negative too.
            if digits == 8, v & 0x8000_0000 != 0 { return Int64(Int32(truncatingIfNeeded: v)) }
            return Int64(bitPattern: v)
        }
        return integer(at: i)
    }

    /// A non-negative number in decimal or `0x…` hex (the reader prints 64-bit unsigned fields in hex).
    func unsigned(at i: Int) -> Int64? {
        guard line.hasPrefix("0x", at: i) else { return integer(at: i) }
        var k = i + 2
        var v: UInt64 = 0
        while k < line.count, let d = Self.hexDigit(line[k]) {
            v = v &<< 4 | UInt64(d)
            k += 1
        }
        return k > i + 2 ? Int64(bitPattern: v) : nil
    }

    /// A syscall exit's return: after ` -> ` (ftrace), `ret=` or `= ` (raw_syscalls), else the payload's first word.
    func syscallReturn() -> Int64? {
        if let r = value(of: "ret=") { return returnValue(at: r) }
        var i = 0
        while let gt = line.find(Byte.greater, from: i) {
            if gt > 0, line[gt - 1] == Byte.dash { return returnValue(at: gt + 1) }
            i = gt + 1
        }
        if let eq = line.find(Byte.equals, from: 0), eq + 1 < line.count, line[eq + 1] == Byte.space {
            return returnValue(at: eq + 1)
        }
        return returnValue(at: 0)
    }

    /// The bytes in [from, to) as text (names only, once per distinct name).
    func text(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        return String(decoding: UnsafeBufferPointer(start: line.p + from, count: to - from), as: UTF8.self)
    }

    /// The end of the value starting at `i`: the next space.
    @inline(__always)
    func wordEnd(from i: Int) -> Int {
        var e = i
        while e < line.count, !Byte.isSpace(line[e]) { e += 1 }
        return e
    }

    @inline(__always)
    static func hexDigit(_ c: UInt8) -> UInt8? {
        if Byte.isDigit(c) { return c &- 0x30 }
        let l = c | 0x20
        if l >= 0x61, l <= 0x66 { return l &- 0x61 &+ 10 }
        return nil
    }
}
