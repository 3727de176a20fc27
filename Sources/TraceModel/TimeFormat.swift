/// Timestamps and durations as people read them in ftrace output.
public enum TimeFormat {
    /// `1720.071781` for sec.usec clocks (microseconds, like the kernel), the raw count for counters.
    public static func timestamp(_ value: Int64, clock: TimestampClock) -> String {
        switch clock {
        case .counter:
            return String(value)
        case .seconds:
            let negative = value < 0
            let v = negative ? -value : value
            let micros = (v % 1_000_000_000) / 1000
            return (negative ? "-" : "") + "\(v / 1_000_000_000)." + pad(micros, 6)
        case .relativeMicroseconds:
            return "\(value / 1000)us"
        }
    }

    /// `12.345 ms`, `3.2 s`, `850 ns`: three significant decimals.
    public static func duration(nanoseconds ns: Int64, clock: TimestampClock = .seconds) -> String {
        if clock == .counter { return "\(ns) ticks" }
        let sign = ns < 0 ? "-" : ""
        let v = ns == .min ? .max : ns < 0 ? -ns : ns
        if v < 1000 { return "\(sign)\(v) ns" }
        if v < 1_000_000 { return sign + fixed(v, 1000) + " µs" }
        if v < 1_000_000_000 { return sign + fixed(v, 1_000_000) + " ms" }
        return sign + fixed(v, 1_000_000_000) + " s"
    }

    /// Parses what a user types to jump: `1720.5` (seconds) or a raw integer for counter clocks.
    public static func parseTimestamp(_ text: String, clock: TimestampClock) -> Int64? {
        let t = text.trimmingCharacters(in: " ")
        if clock == .counter { return Int64(t) }
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0].isEmpty ? "0" : parts[0]), whole >= 0 else { return nil }
        var frac: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1].prefix(9)
            guard digits.allSatisfy(\.isNumber) else { return nil }
            frac = Int64(digits.isEmpty ? "0" : String(digits)) ?? 0
            for _ in digits.count..<9 { frac *= 10 }
        }
        let (ns, o1) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, o2) = ns.addingReportingOverflow(frac)
        return o1 || o2 ? nil : sum
    }

    /// Bytes with a binary unit: `512 B`, `3.4 KB`, `1.2 GB`.
    public static func bytes(_ n: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = n
        var u = 0
        while v >= 1024, u < units.count - 1 {
            v /= 1024
            u += 1
        }
        guard v.isFinite, v < 1e15 else { return "\(v) \(units[u])" }
        if u == 0 { return "\(Int(v)) B" }
        return fixed(Int64(v * 10), 10, decimals: 1) + " " + units[u]
    }

    private static func fixed(_ v: Int64, _ unit: Int64, decimals: Int = 3) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        // Whole and remainder apart: `v * scale` overflowed for durations near Int64.max (found by the fuzzer).
        var whole = v / unit
        var frac = ((v % unit) * scale + unit / 2) / unit
        if frac >= scale {
            whole += 1
            frac -= scale
        }
        return "\(whole)." + pad(frac, decimals)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
