/// Moves the `sec.usec:` timestamp of ftrace text lines by a fixed amount, keeping the digits' layout.
///
/// Only for tests of clock alignment: a remote that pretends its clock is off (TRACETUI_TEST_CLOCK_OFFSET_NS)
/// must show that offset in its events as well as in its clock answers.
public enum TimestampShift {
    /// `text` with every line's first ` digits.digits:` field moved by `offset` ns (rounded to the field's
    /// precision); lines without one are kept as they are.
    public static func shift(_ text: UnsafeRawBufferPointer, by offset: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 16)
        var start = 0
        let n = text.count
        while start < n {
            var end = start
            while end < n, text[end] != 0x0A { end += 1 }
            let lineEnd = min(n, end + 1)
            if let (a, b, digits, value) = timestamp(text, start, end) {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<a]))
                out.append(contentsOf: format(value + offset, fraction: digits))
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[b..<lineEnd]))
            } else {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<lineEnd]))
            }
            start = lineEnd
        }
        return out
    }

    /// The first `digits.digits:` preceded by a space: its bounds (before the colon), the fraction's digits,
    /// and its value in ns.
    private static func timestamp(_ t: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> (Int, Int, Int, Int64)? {
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        var k = from
        while k < to {
            if t[k] == 0x3A, k > from, isDigit(t[k - 1]) {
                var f = k - 1
                while f > from, isDigit(t[f - 1]) { f -= 1 }
                if f > from, t[f - 1] == 0x2E {
                    var s = f - 1
                    while s > from, isDigit(t[s - 1]) { s -= 1 }
                    if s < f - 1, s > from, t[s - 1] == 0x20, k - f <= 9, f - 1 - s <= 12 {
                        var seconds: Int64 = 0
                        for i in s..<(f - 1) { seconds = seconds * 10 + Int64(t[i] - 0x30) }
                        var fraction: Int64 = 0
                        for i in f..<k { fraction = fraction * 10 + Int64(t[i] - 0x30) }
                        let digits = k - f
                        var scale: Int64 = 1
                        for _ in digits..<9 { scale *= 10 }
                        return (s, k, digits, seconds * 1_000_000_000 + fraction * scale)
                    }
                }
            }
            k += 1
        }
        return nil
    }

    private static func format(_ ns: Int64, fraction digits: Int) -> [UInt8] {
        var scale: Int64 = 1
        for _ in digits..<9 { scale *= 10 }
        let v = max(0, ns) / scale
        var unit: Int64 = 1
        for _ in 0..<digits { unit *= 10 }
        let frac = String(v % unit)
        return Array((String(v / unit) + "." + String(repeating: "0", count: digits - frac.count) + frac).utf8)
    }
}
