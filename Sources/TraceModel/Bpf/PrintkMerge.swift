/// Merges the top-level buffer's `bpf_trace_printk` / `trace_printk` lines (`--printk`) into an instance's lines
/// by time: both are ftrace text (`comm-pid [cpu] flags secs.usecs: event: …`), each already in time order.
public enum PrintkMerge {
    /// The line's timestamp in ns: the first token after `]` that ends in `:` and reads as `secs.frac`; nil if none.
    public static func timestamp(_ line: some Collection<UInt8>) -> Int64? {
        var it = line.makeIterator()
        var seenBracket = false
        var token: [UInt8] = []
        while let b = it.next() {
            if !seenBracket {
                if b == UInt8(ascii: "]") { seenBracket = true }
                continue
            }
            if b == UInt8(ascii: " ") {
                token.removeAll(keepingCapacity: true)
                continue
            }
            if b == UInt8(ascii: ":") {
                if let t = seconds(token) { return t }
                return nil
            }
            token.append(b)
        }
        return nil
    }

    private static func seconds(_ t: [UInt8]) -> Int64? {
        guard let dot = t.firstIndex(of: UInt8(ascii: ".")), dot > 0 else { return nil }
        var secs: Int64 = 0, frac: Int64 = 0, digits = 0
        for b in t[..<dot] {
            guard b >= 48, b <= 57 else { return nil }
            secs = secs &* 10 &+ Int64(b - 48)
        }
        for b in t[(dot + 1)...] {
            guard b >= 48, b <= 57, digits < 9 else { return nil }
            frac = frac * 10 + Int64(b - 48)
            digits += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<9 { frac *= 10 }
        return secs &* 1_000_000_000 &+ frac
    }

    /// The lines of `a` and `b` (each in time order, every line ending in `\n`) as one text in time order; on equal
    /// times `a`'s line comes first. A line without a timestamp stays right after the line before it.
    public static func merge(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(a.reduce(0) { $0 + $1.count } + b.reduce(0) { $0 + $1.count })
        var i = 0, j = 0
        var lastA: Int64 = .min, lastB: Int64 = .min
        while i < a.count || j < b.count {
            if i < a.count { lastA = timestamp(a[i]) ?? lastA }
            if j < b.count { lastB = timestamp(b[j]) ?? lastB }
            let takeA = j >= b.count || (i < a.count && lastA <= lastB)
            if takeA {
                out += a[i]
                i += 1
            } else {
                out += b[j]
                j += 1
            }
        }
        return out
    }

    /// Splits text into lines, each keeping its `\n`.
    public static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for (k, byte) in text.enumerated() where byte == 0x0A {
            out.append(text[start...k])
            start = k + 1
        }
        if start < text.count { out.append(text[start...]) }
        return out
    }
}
