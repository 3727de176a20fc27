import Screen
import TraceModel

/// The BPF pane (key `8`, and a summary line under the system panes): the programs loaded at a sample with
/// their cost over the interval that ends there, and the maps. Draws the `bpf` inventories a `ProcHistory`
/// carries; never lists anything itself.
enum BpfPane {
    /// One program's row: the inventory's figures and the interval's rate (nil: not in both samples).
    struct Row {
        var program: BpfProgram
        var rate: BpfRate?
    }

    static func rows(_ h: ProcHistory, _ i: Int) -> [Row] {
        guard let now = inventory(h, i) else { return [] }
        let before = i >= 1 ? inventory(h, i - 1) : nil
        let rows = now.programs.map { p in
            Row(program: p, rate: before.flatMap { BpfRate.between($0, now, id: p.id) })
        }
        // The costliest first (as bpftool prog profile would rank them), then by id.
        return rows.sorted {
            let a = $0.rate?.cpuPercent ?? 0, b = $1.rate?.cpuPercent ?? 0
            return a != b ? a > b : $0.program.id < $1.program.id
        }
    }

    /// Sample `i`'s inventory on the sample's own clock, so intervals are the /proc intervals (live and replayed).
    static func inventory(_ h: ProcHistory, _ i: Int) -> BpfInventory? {
        guard var inv = h.samples[i].bpf else { return nil }
        inv.monotonic = h.samples[i].monotonic
        return inv
    }

    static func duration(_ ns: UInt64) -> String {
        let v = Double(ns)
        if v >= 1e9 { return DstatTable.decimal(v / 1e9) + "s" }
        if v >= 1e6 { return DstatTable.decimal(v / 1e6) + "ms" }
        if v >= 1e3 { return DstatTable.decimal(v / 1e3) + "us" }
        return "\(ns)ns"
    }

    static let programTable = TextTable<Row>([
        TextColumn("id", width: 6) { String($0.program.id) },
        TextColumn("type", width: 11, align: .left) { $0.program.type },
        TextColumn("name", width: 16, align: .left) { $0.program.name },
        TextColumn("attach", width: 26, align: .left) { $0.program.attach.isEmpty ? "-" : $0.program.attach.joined(separator: ",") },
        TextColumn("loaded by", width: 14, align: .left) { r in r.program.loadedBy.map { "\($0.pid) \($0.comm)" } ?? "-" },
        TextColumn("runs", width: 7) { UnitFormat.count(Double($0.program.runCount)) },
        TextColumn("time", width: 8) { duration($0.program.runTimeNs) },
        TextColumn("ns/run", width: 7) { r in r.rate?.nsPerRun.map { UnitFormat.count($0) } ?? "-" },
        TextColumn("%CPU", width: 6) { r in r.rate.map { percent($0.cpuPercent) } ?? "-" },
    ])

    static let mapTable = TextTable<BpfMap>([
        TextColumn("map", width: 6) { String($0.id) },
        TextColumn("type", width: 14, align: .left) { $0.type },
        TextColumn("name", width: 16, align: .left) { $0.name },
        TextColumn("key", width: 4) { String($0.keySize) },
        TextColumn("value", width: 6) { String($0.valueSize) },
        TextColumn("entries", width: 8) { String($0.maxEntries) },
        TextColumn("memory", width: 7) { m in m.memoryBytes.map { UnitFormat.bytes(Double($0)) } ?? "-" },
    ])

    /// Two decimals below 10 % (a BPF program's cost is usually a small fraction of a CPU).
    static func percent(_ v: Double) -> String {
        v < 10 ? DstatTable.decimal((v * 100).rounded() / 100) : UnitFormat.percent(v)
    }

    /// Why there is no run figure to show, or nil when statistics are on.
    static func statsNote(_ inv: BpfInventory) -> String? {
        guard inv.statsEnabled == false else { return nil }
        return "run counts and times stand still: kernel.bpf_stats_enabled is 0 (start with `sudo tracetui --bpf-stats`)"
    }

    /// The full pane at sample `i`.
    static func render(_ h: ProcHistory, _ i: Int, note: String?, into canvas: inout Canvas, in rect: Rect) {
        let x = rect.x, w = rect.width
        var y = rect.y
        let s = h.samples[i]
        canvas.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
        var title = " BPF at \(TimeFormat.timestamp(s.monotonic, clock: .seconds))  sample \(i + 1)/\(h.count)"
        if let note { title += "  \(note)" }
        canvas.put(title, x: x, y: y, role: .header, limit: x + w)
        y += 1
        guard let inv = s.bpf else {
            canvas.put(" no BPF listing in these samples: a live session as root lists the programs with every /proc sample",
                       x: x, y: y, role: .dim, limit: x + w)
            return
        }
        if let e = inv.error {
            canvas.put(" " + e, x: x, y: y, role: .error, limit: x + w)
            return
        }
        if let n = statsNote(inv), y < rect.maxY {
            canvas.put(" " + n, x: x, y: y, role: .dim, limit: x + w)
            y += 1
        }
        let rows = rows(h, i)
        // --bpf: the object's map entries take the lower half (all of what the lists leave, up to that).
        var bottom = rect.maxY
        if !inv.values.isEmpty {
            let lists = rows.count + 2 + (inv.maps.isEmpty ? 0 : inv.maps.count + 1)
            let half = (rect.maxY - y) / 2
            let top = y + min(max(half, rect.maxY - y - valueLineCount(inv)), lists)
            bottom = max(y + min(3, rect.maxY - y), top)
            renderValues(inv, into: &canvas, in: Rect(x: x, y: bottom, width: w, height: rect.maxY - bottom))
        }
        // Maps take what the programs leave, at least a third of the pane when there are some.
        let mapRows = inv.maps.isEmpty ? 0 : min(inv.maps.count + 1, max(2, (bottom - y) / 3))
        let programEnd = bottom - mapRows
        guard y < programEnd else { return }
        canvas.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
        let head = " " + programTable.header() + " history"
        canvas.put(head, x: x, y: y, role: .header, limit: x + w)
        y += 1
        if rows.isEmpty, y < programEnd {
            canvas.put(" no BPF programs loaded", x: x, y: y, role: .dim, limit: x + w)
            y += 1
        }
        let sparkStart = x + head.count - 7
        for (k, r) in rows.enumerated() where y < programEnd {
            if y == programEnd - 1, k < rows.count - 1 {
                canvas.put(" +\(rows.count - k) more", x: x, y: y, role: .dim, limit: x + w)
                y += 1
                break
            }
            let col = canvas.put(" " + programTable.line(r) + " ", x: x, y: y, role: .normal, limit: x + w)
            let room = x + w - max(col, sparkStart) - 1
            if room >= 2 {
                let from = max(0, i - room)
                let series = BpfRate.series((from...i).map { inventory(h, $0) }, endingAt: i - from, count: room,
                                            id: r.program.id) { $0.cpuPercent }
                SystemPanesView.sparkline(series, max: nil, into: &canvas, x: max(col, sparkStart), y: y)
            }
            y += 1
        }
        guard mapRows > 0, y < bottom else { return }
        canvas.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
        canvas.put(" " + mapTable.header(), x: x, y: y, role: .header, limit: x + w)
        y += 1
        for (k, m) in inv.maps.enumerated() where y < bottom {
            if y == bottom - 1, k < inv.maps.count - 1 {
                canvas.put(" +\(inv.maps.count - k) more", x: x, y: y, role: .dim, limit: x + w)
                break
            }
            canvas.put(" " + mapTable.line(m), x: x, y: y, role: .normal, limit: x + w)
            y += 1
        }
    }

    /// The system panes' BPF line: how many programs and maps, and the costliest ones (key 8 for the pane).
    static func summary(_ h: ProcHistory, _ i: Int) -> String? {
        guard let inv = h.samples[i].bpf, inv.error == nil else { return nil }
        var text = " BPF  \(inv.programs.count) programs  \(inv.maps.count) maps"
        if inv.statsEnabled == false {
            text += "  (run figures: --bpf-stats)"
        } else {
            let top = rows(h, i).prefix(3).filter { ($0.rate?.cpuPercent ?? 0) > 0 }
            if !top.isEmpty {
                text += "  top:" + top.map { " \($0.program.name) \(percent($0.rate?.cpuPercent ?? 0))%" }.joined(separator: ",")
            }
        }
        return text + "  (8: BPF pane)"
    }
}
