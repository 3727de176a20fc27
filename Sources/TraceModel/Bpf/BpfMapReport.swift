/// `tracetui bpf --map ID`: one map's entries, as rows or a log2 histogram (`Log2Histogram`), or as JSON:
/// `{"map": {"id", "type", "name", "key_size", "value_size", "max_entries"}, "entries": [{"key", "value"}],
/// "truncated", "histogram": [{"low", "high", "count"}] | null}`. A key or value is a number when it is a 1-, 2-, 4-
/// or 8-byte integer, else an array of `"0x.."` bytes (as `bpftool map dump -j` prints unformatted ones).
public enum BpfMapReport {
    public static func json(_ map: BpfMap, _ values: BpfMapValues) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("map")
        w.beginObject()
        w.key("id"); w.number(Int(map.id))
        w.key("type"); w.string(map.type)
        w.key("name"); w.string(map.name)
        w.key("key_size"); w.number(Int(map.keySize))
        w.key("value_size"); w.number(Int(map.valueSize))
        w.key("max_entries"); w.number(Int(map.maxEntries))
        w.endObject()
        w.key("entries")
        w.beginArray()
        func bytes(_ b: [UInt8]) {
            if let v = BpfMapValues.integer(b) {
                w.raw(String(v))
                return
            }
            w.beginArray()
            for x in b { w.string("0x" + (x < 16 ? "0" : "") + String(x, radix: 16)) }
            w.endArray()
        }
        for e in values.entries {
            w.beginObject()
            w.key("key"); bytes(e.key)
            w.key("value"); bytes(e.value)
            w.endObject()
        }
        w.endArray()
        w.key("truncated"); w.raw(values.truncated ? "true" : "false")
        w.key("histogram")
        if let h = Log2Histogram.from(values, of: map) {
            w.beginArray()
            for (k, c) in h.counts.enumerated() {
                let (low, high) = Log2Histogram.bounds(k)
                w.beginObject()
                w.key("low"); w.raw(String(low))
                w.key("high"); w.raw(String(high))
                w.key("count"); w.raw(String(c))
                w.endObject()
            }
            w.endArray()
        } else {
            w.null()
        }
        w.endObject()
        return w.text + "\n"
    }

    /// The pane's lines for one map: a histogram when the values look like log2 buckets, else `key value` rows.
    public static func lines(_ map: BpfMap, _ values: BpfMapValues) -> [String] {
        if let e = values.error { return [e] }
        if let h = Log2Histogram.from(values, of: map) {
            let lines = h.lines()
            return lines.isEmpty ? ["(every bucket 0)"] : lines
        }
        if values.entries.isEmpty { return ["(no entries)"] }
        let keys = values.entries.map { BpfMapValues.text($0.key) }
        let width = min(40, max(3, keys.map(\.count).max() ?? 3))
        var out = [Log2Histogram.left("key", width) + "  value"]
        for (k, e) in values.entries.enumerated() {
            out.append(Log2Histogram.left(keys[k], width) + "  " + BpfMapValues.text(e.value))
        }
        if values.truncated { out.append("… (the first \(values.entries.count) entries)") }
        return out
    }

    public static func table(_ map: BpfMap, _ values: BpfMapValues) -> String {
        var out = "map \(map.id) \(map.name) (\(map.type), key \(map.keySize) B, value \(map.valueSize) B, \(map.maxEntries) entries)\n"
        for l in lines(map, values) { out += l + "\n" }
        return out
    }
}
