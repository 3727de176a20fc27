import CByteScan

/// Small byte predicates and scanners for the hot parsing loops.
@usableFromInline
enum Byte {
    static let newline: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let hash: UInt8 = 0x23
    static let dash: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let greater: UInt8 = 0x3E
    static let less: UInt8 = 0x3C
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let bar: UInt8 = 0x7C
    static let slash: UInt8 = 0x2F
    static let star: UInt8 = 0x2A
    static let comma: UInt8 = 0x2C
    static let quote: UInt8 = 0x22

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == space || c == tab }
    @inline(__always) static func isIdent(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20) &- 0x61 < 26 || c == 0x5F
    }
}

/// A read-only view of one line's bytes with the scanning steps the parsers share.
@usableFromInline
struct LineBytes {
    @usableFromInline let p: UnsafePointer<UInt8>
    @usableFromInline let count: Int

    @inline(__always) init(_ p: UnsafePointer<UInt8>, _ count: Int) {
        self.p = p
        self.count = count
    }

    @inline(__always) subscript(i: Int) -> UInt8 { p[i] }

    @inline(__always) func skipSpaces(from i: Int) -> Int {
        var j = i
        // ftrace right-aligns task names in 16 columns: runs of spaces are common, take them 8 at a time.
        let raw = UnsafeRawPointer(p)
        while j + 8 <= count, raw.loadUnaligned(fromByteOffset: j, as: UInt64.self) == 0x2020_2020_2020_2020 { j += 8 }
        while j < count, Byte.isSpace(p[j]) { j += 1 }
        return j
    }

    /// The decimal number starting at `i` and the index after its last digit (value 0 when none;
    /// more than 18 digits wrap, which no field of a trace has).
    @inline(__always) func digits(from i: Int) -> (value: Int64, end: Int) {
        var j = i
        var v: Int64 = 0
        while j < count {
            let d = p[j] &- 0x30
            if d >= 10 { break }
            v = v &* 10 &+ Int64(d)
            j += 1
        }
        return (v, j)
    }

    @inline(__always) func skipSpacesBackward(from i: Int) -> Int {
        var j = i
        while j >= 0, Byte.isSpace(p[j]) { j -= 1 }
        return j
    }

    @inline(__always) func digitsEnd(from i: Int) -> Int {
        var j = i
        while j < count, Byte.isDigit(p[j]) { j += 1 }
        return j
    }

    /// Parses an unsigned decimal number in [from, to); nil if empty or too long.
    @inline(__always) func number(from: Int, to: Int) -> Int64? {
        guard from < to, to - from <= 18 else { return nil }
        var v: Int64 = 0
        for k in from..<to {
            let d = p[k] &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)
        }
        return v
    }

    @inline(__always) func hasPrefix(_ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i >= 0, i + n <= count else { return false }
        let q = s.utf8Start
        for k in 0..<n where p[i + k] != q[k] { return false }
        return true
    }

    /// Index of the first `byte` in [from, to), or nil.
    @inline(__always) func find(_ byte: UInt8, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? count
        guard from < end else { return nil }
        guard let r = memchrBytes(p + from, byte, end - from) else { return nil }
        return r - p
    }

    func trimmedEnd(_ end: Int) -> Int {
        var e = end
        while e > 0, Byte.isSpace(p[e - 1]) { e -= 1 }
        return e
    }
}

/// The first `byte` in `p[0..<n]`: glibc's vectorised memchr (through CByteScan).
@inline(__always)
func memchrBytes(_ p: UnsafePointer<UInt8>, _ byte: UInt8, _ n: Int) -> UnsafePointer<UInt8>? {
    guard n > 0 else { return nil }
    return tracetui_memchr(p, byte, n)
}

/// Whether two byte ranges are equal (short ranges: task names).
@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= n {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

/// Calls `body` with each line of `p[from..<end]` (without its newline, or a CR before it) and the line's offset
/// from `p`; a last line without a newline ends at `end`.
@inline(__always)
func forEachLine(_ p: UnsafePointer<UInt8>, from: Int, to end: Int, _ body: (LineBytes, Int) -> Void) {
    var lineStart = from
    while lineStart < end {
        let nl = memchrBytes(p + lineStart, Byte.newline, end - lineStart)
        let lineEnd = nl.map { $0 - p } ?? end
        var len = lineEnd - lineStart
        if len > 0, p[lineStart + len - 1] == Byte.cr { len -= 1 }
        body(LineBytes(p + lineStart, len), lineStart)
        lineStart = lineEnd + 1
    }
}
