/// What `tracetui report` prints: the hotspot table as `perf report --stdio` does, as CSV, or as JSON.
public enum HotspotReport {
    /// perf report's stdio layout: `#` header lines, then one line per entry.
    public static func text(_ table: HotspotTable, limit: Int? = nil, title: String? = nil) -> String {
        text(table, ReportOptions(limit: limit, title: title))
    }

    /// perf report's stdio layout with its options: callchains under the entries (`-g`), `--percent-limit`,
    /// the event, lost samples and time slice in the header.
    public static func text(_ table: HotspotTable, _ options: ReportOptions) -> String {
        var entries = table.order[...]
        if let minimum = options.percentLimit {
            // perf compares the children percentage with children, self without.
            let metric = table.kind == .samples && table.children ? table.childrenValue
                : table.kind == .durations ? table.childrenValue : table.kind == .samples ? table.selfValue : table.countValue
            entries = entries.filter { table.percent(metric[Int($0)]) >= minimum }[...]
        }
        if let limit = options.limit { entries = entries.prefix(limit) }
        // perf sizes its columns by every entry, the ones under the percent limit too.
        var cols = table.columns(sizedBy: options.percentLimit == nil ? entries : table.order[...])
        if table.kind == .samples, !options.showSamples { cols.removeAll { $0.sort == .count } }
        var out = ""
        if let title = options.title { out += "# \(title)\n#\n" }
        switch table.kind {
        case .samples:
            if let lost = options.lostSamples { out += "# Total Lost Samples: \(lost)\n#\n" }
            out += "# Samples: \(table.totalCount)"
            if let samples = options.samples, !samples.eventNames.isEmpty {
                let names = Set(samples.sampleEvent).sorted().map { "'\(samples.eventNames[Int($0)])'" }
                if !names.isEmpty { out += "  of event" + (names.count > 1 ? "s " : " ") + names.joined(separator: ", ") }
            }
            if let slice = options.timeSlice { out += " (time slices: \(slice))" }
            out += "\n"
            if table.weighted { out += "# Event count (approx.): \(table.total)\n" }
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
        // A srcline / symbol_size table has no callchains under its entries (perf's has none under a line either).
        let chains = table.kind == .samples && !table.isLeafTable ? options.callchain.flatMap { o in options.samples.map { (o, $0) } } : nil
        // No branch of a chain reaches the threshold under an entry below it: those are not walked.
        let minimum = Double(table.total) * options.chainThreshold / 100
        for e in entries {
            let line = cols.map { $0.fit($0.text(table, Int(e))) }.joined(separator: "  ")
            out += "  " + trimTrailing(line) + "\n"
            guard let (order, samples) = chains else { continue }
            let weight = table.children ? table.childrenValue[Int(e)] : table.selfValue[Int(e)]
            guard Double(weight) >= minimum, weight > 0 else { continue }
            let tree = PerfCallchain.tree(of: Int(e), in: table, samples: samples, order: order)
            let chain = PerfCallchain.text(tree, total: table.total, minPercent: options.chainThreshold)
            if !chain.isEmpty { out += chain + "\n" }
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
            if table.keys.contains(key) { w.string(table.label(key, of: e, full: true)) } else { w.null() }
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
