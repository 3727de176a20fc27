/// `tracetui bpf`: the inventory as a table or as JSON, for scripts (like `bpftool prog show -j`).
///
/// JSON: `{"programs": [{"id", "type", "name", "tag", "attach", "loaded_by", "run_cnt", "run_time_ns"}],
/// "maps": [{"id", "type", "name", "key_size", "value_size", "max_entries", "memory_bytes"}]}`;
/// `attach` is an array of strings, `loaded_by` `{"pid", "comm"}` or null, `memory_bytes` null when unknown.
public enum BpfReport {
    public static func json(_ inv: BpfInventory) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("programs")
        w.beginArray()
        for p in inv.programs {
            w.beginObject()
            w.key("id"); w.number(Int(p.id))
            w.key("type"); w.string(p.type)
            w.key("name"); w.string(p.name)
            w.key("tag"); w.string(p.tag)
            w.key("attach")
            w.beginArray()
            for a in p.attach { w.string(a) }
            w.endArray()
            w.key("loaded_by")
            if let by = p.loadedBy {
                w.beginObject()
                w.key("pid"); w.number(Int(by.pid))
                w.key("comm"); w.string(by.comm)
                w.endObject()
            } else {
                w.null()
            }
            w.key("run_cnt"); w.raw(String(p.runCount))
            w.key("run_time_ns"); w.raw(String(p.runTimeNs))
            w.endObject()
        }
        w.endArray()
        w.key("maps")
        w.beginArray()
        for m in inv.maps {
            w.beginObject()
            w.key("id"); w.number(Int(m.id))
            w.key("type"); w.string(m.type)
            w.key("name"); w.string(m.name)
            w.key("key_size"); w.number(Int(m.keySize))
            w.key("value_size"); w.number(Int(m.valueSize))
            w.key("max_entries"); w.number(Int(m.maxEntries))
            w.key("memory_bytes")
            if let b = m.memoryBytes { w.raw(String(b)) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }

    public static let programColumns: [TextColumn<BpfProgram>] = [
        TextColumn("id", width: 6) { String($0.id) },
        TextColumn("type", width: 14, align: .left) { $0.type },
        TextColumn("name", width: 16, align: .left) { $0.name },
        TextColumn("tag", width: 16, align: .left) { $0.tag },
        TextColumn("loaded by", width: 18, align: .left) { p in p.loadedBy.map { "\($0.pid) \($0.comm)" } ?? "-" },
        TextColumn("run_cnt", width: 12) { String($0.runCount) },
        TextColumn("run_time_ns", width: 14) { String($0.runTimeNs) },
        TextColumn("ns/run", width: 8) { p in p.runCount > 0 ? String(p.runTimeNs / p.runCount) : "-" },
        TextColumn("attach", width: 0, align: .left) { $0.attach.isEmpty ? "-" : $0.attach.joined(separator: ", ") },
    ]

    public static let mapColumns: [TextColumn<BpfMap>] = [
        TextColumn("id", width: 6) { String($0.id) },
        TextColumn("type", width: 16, align: .left) { $0.type },
        TextColumn("name", width: 16, align: .left) { $0.name },
        TextColumn("key", width: 5) { String($0.keySize) },
        TextColumn("value", width: 6) { String($0.valueSize) },
        TextColumn("max_entries", width: 11) { String($0.maxEntries) },
        TextColumn("memory", width: 8) { m in m.memoryBytes.map { UnitFormat.bytes(Double($0)) } ?? "-" },
    ]

    static func render<Row>(_ t: TextTable<Row>, _ rows: [Row]) -> String {
        var out = trimmed(t.header()) + "\n"
        for r in rows { out += trimmed(t.line(r)) + "\n" }
        return out
    }

    private static func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    public static func table(_ inv: BpfInventory) -> String {
        var out = ""
        if let e = inv.error { out += "bpf: \(e)\n" }
        out += "programs (\(inv.programs.count))\n"
        out += render(TextTable(programColumns), inv.programs)
        out += "\nmaps (\(inv.maps.count))\n"
        out += render(TextTable(mapColumns), inv.maps)
        if inv.statsEnabled == false {
            out += "\nrun_cnt and run_time_ns stand still while kernel.bpf_stats_enabled is 0 (tracetui --bpf-stats turns it on for a session)\n"
        }
        return out
    }
}
