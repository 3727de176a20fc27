/// Numbers squeezed into dstat's narrow columns: `0`, `512B`, `12K`, `1.5M`, `3G` (bytes, base 1024) and
/// `712`, `12k`, `1.2M` (counts, base 1000).
public enum UnitFormat {
    public static func bytes(_ value: Double, width: Int = 5) -> String {
        scaled(value, width: width, base: 1024, units: ["B", "K", "M", "G", "T", "P"])
    }

    public static func count(_ value: Double, width: Int = 5) -> String {
        scaled(value, width: width, base: 1000, units: ["", "k", "M", "G", "T", "P"])
    }

    /// A percentage as an integer, `0`…`100`.
    public static func percent(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return String(Int(max(0, min(100, value)).rounded()))
    }

    static func scaled(_ value: Double, width: Int, base: Double, units: [String]) -> String {
        guard value.isFinite, value > 0 else { return "0" }
        var v = value
        var u = 0
        // The biggest number of digits that leaves room for the unit letter.
        let digits = max(1, width - 1)
        var limit = 1.0
        for _ in 0..<digits { limit *= 10 }
        while v.rounded() >= limit, u < units.count - 1 {
            v /= base
            u += 1
        }
        // A decimal only where it fits and says something: 1.5M, not 1M.
        if u > 0, v < 10, digits >= 3 {
            let tenths = Int((v * 10).rounded())
            if tenths < 100 { return "\(tenths / 10).\(tenths % 10)\(units[u])" }
        }
        // Past the last unit (a counter that jumped by 2^64): the largest the column can say.
        guard v < 1e15 else { return String(repeating: "9", count: digits) + units[u] }
        return "\(Int(v.rounded()))\(units[u])"
    }
}
