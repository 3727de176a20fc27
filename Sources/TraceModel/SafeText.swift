/// The one place that decides how text from a trace is made safe to print: control characters are escaped
/// (`\x1b`, as `ls -b` and git's quoting show them), never written raw, so a process that names itself
/// `ESC ] 52 ; …` cannot set the clipboard, retitle or clear the terminal of whoever reads the report.
///
/// Every format says the same about bad bytes: invalid UTF-8 becomes U+FFFD (what `String(decoding:)` gives,
/// so text, JSON and CSV agree), and C0 controls, DEL and the C1 range U+0080–U+009F are escaped — in text and
/// CSV as `\xHH`, in JSON as `\u00HH` (its own rule).
public enum SafeText {
    /// Whether a scalar is a control character a terminal may act on.
    @inline(__always)
    public static func isControl(_ v: UInt32) -> Bool { v < 0x20 || (v >= 0x7F && v <= 0x9F) }

    /// `s` with every control character escaped as `\xHH`; line breaks and tabs kept when `keepLines`
    /// (a whole report's own layout), escaped otherwise (one field).
    public static func terminal(_ s: String, keepLines: Bool = true) -> String {
        func escapes(_ v: UInt32) -> Bool { isControl(v) && !(keepLines && (v == 0x0A || v == 0x09)) }
        guard s.unicodeScalars.contains(where: { escapes($0.value) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if escapes(u.value) { out.append(contentsOf: hexEscape(u.value).unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }

    /// `\x1b` for 0x1B.
    public static func hexEscape(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        return "\\x" + (hex.count < 2 ? "0" : "") + hex
    }

    /// Calls `run` with each run of valid UTF-8 in `b` and `invalid` at each byte that starts no valid sequence
    /// (the bytes U+FFFD stands for): the writers that copy bytes straight from a trace go through this.
    public static func forEachUTF8Run(_ b: UnsafeRawBufferPointer, run: (Range<Int>) -> Void, invalid: (Int) -> Void) {
        var start = 0, i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let n = sequenceLength(b, i)
            if n > 0 {
                i += n
                continue
            }
            if i > start { run(start..<i) }
            invalid(i)
            i += 1
            start = i
        }
        if b.count > start { run(start..<b.count) }
    }

    /// The length of the valid UTF-8 sequence at `i` (a lead byte ≥ 0x80), or 0.
    static func sequenceLength(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int {
        let c = b[i]
        let n: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED: n = 3; hi = 0x9F
        case 0xF0: n = 4; lo = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; hi = 0x8F
        default: return 0
        }
        guard i + n <= b.count else { return 0 }
        guard b[i + 1] >= lo, b[i + 1] <= hi else { return 0 }
        for k in 2..<max(2, n) where b[i + k] & 0xC0 != 0x80 { return 0 }
        return n
    }

    /// The UTF-8 of U+FFFD.
    public static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
}
