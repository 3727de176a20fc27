/// What `tracetui report` prints: the hotspot table as `perf report --stdio` does, as CSV, or as JSON.
public enum HotspotReport {
    /// perf report's stdio layout: `#` header lines, then one line per entry.
    public static func text(_ table: HotspotTable, limit: Int? = nil, title: String? = nil) -> String {
        let entries = limit.map { table.order.prefix($0) } ?? table.order[...]
        let cols = table.columns(sizedBy: entries)
        var out = ""
        if let title { out += "# \(title)\n#\n" }
        switch table.kind {
        case .samples:
            out += "# Samples: \(table.totalCount)"
            if table.weighted { out += "  Event count (approx.): \(table.total)" }
            out += "\n"
        case .durations:
            out += "# Calls: \(table.totalCount)  Time: \(TimeFormat.duration(nanoseconds: table.total))\n"
        case .events:
            out += "# Events: \(table.total)\n"
        }
        if !table.filter.isEmpty { out += "# \(table.filter.description)\n" }
        out += "#\n"
        out += "# " + cols.map { $0.fit($0.title) }.joined(separator: "  ") + "\n"
        out += "# " + cols.map { String(repeating: ".", count: $0.width) }.joined(separator: "  ") + "\n"
        out += "#\n"
        for e in entries {
            let line = cols.map { $0.fit($0.text(table, Int(e))) }.joined(separator: "  ")
            out += "  " + trimTrailing(line) + "\n"
        }
        return out
    }

    /// One header row of column titles, one row per entry, raw values (percent without `%`, ns).
    public static func csv(_ table: HotspotTable, limit: Int? = nil) -> String {
        let entries = limit.map { table.order.prefix($0) } ?? table.order[...]
        let cols = table.columns(sizedBy: entries.prefix(0))
        var out = cols.map { csvField($0.title) }.joined(separator: ",") + "\n"
        for e in entries {
            out += cols.map { csvField($0.raw(table, Int(e))) }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Samples: `{"entries": [{symbol, dso, comm, samples, self_pct, children_pct}, …]}`.
    /// Durations: `{"functions": [{name, calls, total_ns, self_ns, avg_ns, max_ns, min_ns}, …]}`.
    /// Events: `{"counts": [{event, comm, pid, cpu (the keys), count, pct}, …]}`.
    /// Keys that are not sort keys are null; pid and cpu appear when they are keys.
    public static func json(_ table: HotspotTable, limit: Int? = nil) -> String {
        let entries = limit.map { table.order.prefix($0) } ?? table.order[...]
        var w = JSONWriter()
        func keyField(_ name: String, _ key: HotspotKey, _ e: Int) {
            w.key(name)
            if table.keys.contains(key) { w.string(table.label(key, of: e)) } else { w.null() }
        }
        func numericKeys(_ e: Int) {
            if let p = table.value(.pid, of: e) { w.key("pid"); w.number(Int(Int32(bitPattern: p))) }
            if let c = table.value(.cpu, of: e) {
                w.key("cpu")
                if c == 0xFFFF { w.null() } else { w.number(Int(c)) }
            }
        }
        w.beginObject()
        switch table.kind {
        case .samples:
            w.key("total_samples"); w.number(table.totalCount)
            w.key("total_weight"); w.number(Int(table.total))
            w.key("entries")
            w.beginArray()
            for entry in entries {
                let e = Int(entry)
                w.beginObject()
                keyField("symbol", .symbol, e)
                keyField("dso", .dso, e)
                keyField("comm", .comm, e)
                numericKeys(e)
                w.key("samples"); w.number(Int(table.countValue[e]))
                w.key("self_pct"); w.raw(HotspotTable.fixed2(table.percent(table.selfValue[e])))
                w.key("children_pct")
                if table.children { w.raw(HotspotTable.fixed2(table.percent(table.childrenValue[e]))) } else { w.null() }
                w.endObject()
            }
            w.endArray()
        case .durations:
            w.key("functions")
            w.beginArray()
            for entry in entries {
                let e = Int(entry)
                w.beginObject()
                keyField("name", .symbol, e)
                if table.keys.contains(.comm) { keyField("task", .comm, e) }
                numericKeys(e)
                w.key("calls"); w.number(Int(table.countValue[e]))
                w.key("total_ns"); w.number(Int(table.childrenValue[e]))
                w.key("self_ns"); w.number(Int(table.selfValue[e]))
                w.key("avg_ns"); w.number(Int(table.average(e)))
                w.key("max_ns"); w.number(Int(table.maxValue[e]))
                w.key("min_ns"); w.number(Int(table.minValue[e]))
                w.endObject()
            }
            w.endArray()
        case .events:
            w.key("total_events"); w.number(Int(table.total))
            w.key("counts")
            w.beginArray()
            for entry in entries {
                let e = Int(entry)
                w.beginObject()
                if table.keys.contains(.event) { keyField("event", .event, e) }
                if table.keys.contains(.comm) { keyField("comm", .comm, e) }
                numericKeys(e)
                w.key("count"); w.number(Int(table.countValue[e]))
                w.key("pct"); w.raw(HotspotTable.fixed2(table.percent(table.countValue[e])))
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.text
    }

    private static func csvField(_ s: String) -> String {
        guard s.contains(",") || s.contains("\"") || s.contains("\n") else { return s }
        return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// On bytes: a row padded to a long symbol (a demangled Swift or C++ name) has thousands of spaces.
    private static func trimTrailing(_ s: String) -> String {
        var u = Array(s.utf8)
        while u.last == 0x20 { u.removeLast() }
        return String(decoding: u, as: UTF8.self)
    }
}
