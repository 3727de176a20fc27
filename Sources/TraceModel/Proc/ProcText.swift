/// Byte-level helpers shared by the /proc parsers: lines, whitespace-separated tokens, numbers.
/// /proc files are small ASCII tables; these avoid building a `String` per line.
public struct ProcText {
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Calls `body` with the tokens of each line (split on spaces, tabs and `sep`), skipping empty lines.
    public func forEachLine(separators extra: UInt8 = 0x20, _ body: (_ tokens: [Range<Int>]) -> Void) {
        var tokens: [Range<Int>] = []
        tokens.reserveCapacity(24)
        var i = 0
        let n = bytes.count
        while i < n {
            tokens.removeAll(keepingCapacity: true)
            var start = -1
            while i < n, bytes[i] != 0x0A {
                let b = bytes[i]
                if b == 0x20 || b == 0x09 || b == extra {
                    if start >= 0 { tokens.append(start..<i); start = -1 }
                } else if start < 0 {
                    start = i
                }
                i += 1
            }
            if start >= 0 { tokens.append(start..<i) }
            i += 1
            if !tokens.isEmpty { body(tokens) }
        }
    }

    /// True if the token is exactly `word` (ASCII).
    public func token(_ r: Range<Int>, is word: StaticString) -> Bool {
        guard r.count == word.utf8CodeUnitCount else { return false }
        let p = word.utf8Start
        for k in 0..<r.count where bytes[r.lowerBound + k] != p[k] { return false }
        return true
    }

    /// True if the token starts with `prefix`.
    public func token(_ r: Range<Int>, hasPrefix prefix: StaticString) -> Bool {
        guard r.count >= prefix.utf8CodeUnitCount else { return false }
        let p = prefix.utf8Start
        for k in 0..<prefix.utf8CodeUnitCount where bytes[r.lowerBound + k] != p[k] { return false }
        return true
    }

    /// The token as a name (device, interface): interned by the caller if it matters.
    public func string(_ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    /// An unsigned decimal; nil if the token has any other byte (a kernel that prints something else).
    public func uint(_ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty else { return nil }
        var v: UInt64 = 0
        for k in r {
            let d = bytes[k] &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        return v
    }

    /// `0.52` or `12.05` as hundredths (52, 1205): load averages and pressure percentages.
    public func hundredths(_ r: Range<Int>) -> Int? {
        var whole = 0, frac = 0, fracDigits = 0, seenDot = false, any = false
        for k in r {
            let b = bytes[k]
            if b == 0x2E { guard !seenDot else { return nil }; seenDot = true; continue }
            let d = Int(b &- 0x30)
            guard d >= 0, d < 10 else { return nil }
            any = true
            if seenDot {
                if fracDigits < 2 { frac = frac * 10 + d; fracDigits += 1 }
            } else {
                // More digits than an Int holds: not a number this parser gives (the field reads as absent).
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                guard !o1, !o2 else { return nil }
                whole = a
            }
        }
        guard any else { return nil }
        while fracDigits < 2 { frac *= 10; fracDigits += 1 }
        let (h, o1) = whole.multipliedReportingOverflow(by: 100)
        let (v, o2) = h.addingReportingOverflow(frac)
        return o1 || o2 ? nil : v
    }
}

extension Array where Element == UInt8 {
    /// Runs a parser over the array's bytes.
    public func withProcText<R>(_ body: (ProcText) -> R) -> R {
        withUnsafeBytes { body(ProcText($0)) }
    }
}
