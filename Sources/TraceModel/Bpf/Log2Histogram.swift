/// A map whose values are log2 buckets, drawn the way bcc's and libbpf-tools' runqlat / biolatency print them:
/// `     value               : count     distribution` then one `low -> high : count |****    |` row a bucket.
///
/// The rule for "looks like log2 buckets": an `array` (at most 64 entries) or `hash` / `lru_hash` (of any size, or
/// their per-CPU kinds) whose maximum size is at least 16, keyed by 4- or 8-byte integers all below 64, with 4- or
/// 8-byte integer values. Bucket k counts values whose log2 is k (libbpf-tools' `log2l` slots): 0 holds 0 and 1,
/// k ≥ 1 holds 2^k to 2^(k+1)−1.
public struct Log2Histogram: Sendable, Equatable {
    /// counts[k]: bucket k.
    public var counts: [UInt64]

    public init(counts: [UInt64]) { self.counts = counts }

    static let kinds: Set<String> = ["array", "percpu_array", "hash", "percpu_hash", "lru_hash", "lru_percpu_hash"]

    /// The histogram in `values` of `map`, or nil when the map does not look like one.
    public static func from(_ values: BpfMapValues, of map: BpfMap) -> Log2Histogram? {
        guard kinds.contains(map.type), map.maxEntries >= 16, !values.entries.isEmpty, values.error == nil,
              map.keySize == 4 || map.keySize == 8 else { return nil }
        if map.type.hasSuffix("array"), map.maxEntries > 64 { return nil }
        var counts = [UInt64](repeating: 0, count: 64)
        var top = 0
        for e in values.entries {
            guard e.key.count == Int(map.keySize), let k = BpfMapValues.integer(e.key), k < 64,
                  e.value.count == 4 || e.value.count == 8, let v = BpfMapValues.integer(e.value) else { return nil }
            counts[Int(k)] &+= v
            if v > 0 { top = max(top, Int(k)) }
        }
        return Log2Histogram(counts: Array(counts[...top]))
    }

    /// Bucket k's bounds.
    public static func bounds(_ k: Int) -> (low: UInt64, high: UInt64) {
        if k == 0 { return (0, 1) }
        let low = UInt64(1) << UInt64(k)
        return (low, k >= 63 ? .max : (low << 1) - 1)
    }

    /// The header and one row a bucket, from bucket 0 to the highest that is not empty; bars `width` stars at
    /// the largest count. Bounds take 10 digits each up to bucket 32, 20 beyond (as bcc widens them).
    public func lines(label: String = "value", width: Int = 40) -> [String] {
        guard counts.contains(where: { $0 > 0 }) else { return [] }
        let wide = counts.count > 33
        let digits = wide ? 20 : 10
        let maxCount = counts.max() ?? 1
        var out = [String(repeating: " ", count: digits - 5) + Self.pad(label, digits + 9) + " : count     distribution"]
        for (k, c) in counts.enumerated() {
            let (low, high) = Self.bounds(k)
            let stars = Int((Double(c) / Double(maxCount) * Double(width)).rounded(.down))
            let bar = String(repeating: "*", count: stars) + String(repeating: " ", count: width - stars)
            out.append(Self.left(String(low), digits) + " -> " + Self.pad(String(high), digits) + " : "
                       + Self.pad(String(c), 8) + " |" + bar + "|")
        }
        return out
    }

    /// Right-aligned in `n` columns.
    static func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    /// Left-aligned in `n` columns.
    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
}
