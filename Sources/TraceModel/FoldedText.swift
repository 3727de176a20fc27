/// Folded stacks text (`root;caller;leaf 12`, flamegraph.pl's stackcollapse output) taken apart on bytes:
/// the one reader behind the hotspot loader (`FoldedStacks`) and the SVG export (`FoldedInput`).
///
/// UTF-8 (a byte-order mark skipped) or UTF-16 with a byte-order mark; LF or CRLF. Blank lines and
/// comments (`#`, `//`) are skipped; the count is what follows the last space, whole or fractional
/// (`1.5`, `2e3`: some converters write time as weight). Trailing blanks are ignored.
public enum FoldedText {
    /// A stack line's count: its value, and whether it was written as a whole number.
    public struct Count: Sendable, Equatable {
        public var value: Double
        /// The count when it is digits only (what sample weights need).
        public var whole: Int64?
    }

    /// Calls `body` with each stack line: its frames part (`a;b;c`, never empty) and its count.
    /// Returns how many lines were neither blank, a comment, nor `frames count`.
    @discardableResult
    public static func forEachStack(_ bytes: UnsafeRawBufferPointer,
                                    _ body: (_ frames: UnsafeRawBufferPointer, _ count: Count) -> Void) -> Int {
        var invalid = 0
        withUTF8(bytes) { b in
            var s = 0
            while s < b.count {
                let e = nextByte(Byte.newline, in: b, from: s)
                if let (frames, count) = stackLine(UnsafeRawBufferPointer(rebasing: b[s..<e]), invalid: &invalid) {
                    body(frames, count)
                }
                s = e + 1
            }
        }
        return invalid
    }

    /// Calls `body` with each frame of a frames part, root first (empty frames included, as written).
    public static func forEachFrame(_ frames: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while true {
            let k = nextByte(Byte.semicolon, in: frames, from: start)
            body(UnsafeRawBufferPointer(rebasing: frames[start..<k]))
            if k == frames.count { return }
            start = k + 1
        }
    }

    /// Where the next `byte` at or after `from` is (the end when there is none), by the C library's memchr: the
    /// lines and frames of a large folded file were a loop over every byte.
    private static func nextByte(_ byte: UInt8, in b: UnsafeRawBufferPointer, from: Int) -> Int {
        guard from < b.count, let base = b.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let hit = memchrBytes(base + from, byte, b.count - from) else { return b.count }
        return hit - base
    }

    /// Whether the text looks like folded stacks: its first non-comment lines (up to 20, in the first
    /// 4 KiB) all end in a whole ` <count>`, with no tab before it.
    public static func looksFolded(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var good = 0, bad = 0, seen = 0
        let head = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 4096)])
        withUTF8(head) { b in
            var s = 0
            while s < b.count, seen < 20, bad == 0 {
                var e = s
                while e < b.count, b[e] != Byte.newline { e += 1 }
                let line = UnsafeRawBufferPointer(rebasing: b[s..<e])
                var invalid = 0
                if let (frames, count) = stackLine(line, invalid: &invalid) {
                    if frames.contains(0x09) || count.whole == nil { bad += 1 } else { good += 1 }
                    seen += 1
                } else if invalid > 0 {
                    // A cut last line (the 4 KiB end mid-line) is not held against the text.
                    if e < b.count || e == bytes.count { bad += 1 }
                    seen += 1
                }
                s = e + 1
            }
        }
        return good > 0 && bad == 0
    }

    /// A line's frames part and count; nil for blank lines and comments, and (counted) for lines that
    /// are not `frames count`.
    private static func stackLine(_ line: UnsafeRawBufferPointer,
                                  invalid: inout Int) -> (UnsafeRawBufferPointer, Count)? {
        var end = line.count
        while end > 0, line[end - 1] == 0x0D || line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        guard end > 0 else { return nil }
        if line[0] == Byte.hash || (end >= 2 && line[0] == Byte.slash && line[1] == Byte.slash) { return nil }
        var space = end - 1
        while space >= 0, line[space] != 0x20 { space -= 1 }
        guard space > 0, space + 1 < end,
              let count = number(UnsafeRawBufferPointer(rebasing: line[(space + 1)..<end])) else {
            invalid += 1
            return nil
        }
        return (UnsafeRawBufferPointer(rebasing: line[0..<space]), count)
    }

    /// `123`, `1.5`, `.5`, `2e3`, `1.5E-2`: a count that is not negative. Digits only give `whole`.
    static func number(_ b: UnsafeRawBufferPointer) -> Count? {
        var i = 0
        var whole: Int64 = 0
        var digits = 0
        var overflow = false
        while i < b.count, Byte.isDigit(b[i]) {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b[i] &- 0x30))
            overflow = overflow || o1 || o2
            whole = a
            digits += 1
            i += 1
        }
        if i == b.count {
            guard digits > 0 else { return nil }
            return Count(value: overflow ? Double(String(decoding: b, as: UTF8.self)) ?? 0 : Double(whole),
                         whole: overflow ? nil : whole)
        }
        // A fraction or an exponent: checked here, converted by the standard library.
        var fraction = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, Byte.isDigit(b[i]) { i += 1; fraction += 1 }
        }
        guard digits + fraction > 0 else { return nil }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var exponent = 0
            while i < b.count, Byte.isDigit(b[i]) { i += 1; exponent += 1 }
            guard exponent > 0 else { return nil }
        }
        guard i == b.count, let v = Double(String(decoding: b, as: UTF8.self)) else { return nil }
        return Count(value: v, whole: nil)
    }

    /// The text as UTF-8 bytes: as it is (past a UTF-8 byte-order mark), or decoded from UTF-16 when it
    /// starts with that byte-order mark.
    static func withUTF8<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return body(UnsafeRawBufferPointer(rebasing: bytes[3...]))
        }
        guard bytes.count >= 2 else { return body(bytes) }
        let le = bytes[0] == 0xFF && bytes[1] == 0xFE, be = bytes[0] == 0xFE && bytes[1] == 0xFF
        guard le || be else { return body(bytes) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            units.append(le ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        let utf8 = Array(String(decoding: units, as: UTF16.self).utf8)
        return utf8.withUnsafeBytes(body)
    }
}
