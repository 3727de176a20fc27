/// dstat's default columns as data, shared by `tracetui dstat` (table, csv, json) and the panes' table mode.
public struct DstatColumn: Sendable {
    public enum Kind: Sendable { case percent, bytes, count }
    public var name: String
    public var kind: Kind
    public var width: Int
    public var value: @Sendable (ProcRates) -> Double

    /// The value as the table shows it, right-aligned in the column's width.
    public func formatted(_ rates: ProcRates) -> String {
        let v = value(rates)
        let text: String
        switch kind {
        case .percent: text = UnitFormat.percent(v)
        case .bytes: text = UnitFormat.bytes(v, width: width)
        case .count: text = UnitFormat.count(v, width: width)
        }
        return DstatTable.pad(text, width)
    }
}

/// A titled group of columns: `--total-cpu-usage--`, `-dsk/total-`…
public struct DstatGroup: Sendable {
    public var title: String
    public var columns: [DstatColumn]
    /// Columns and the spaces between them.
    public var width: Int { columns.reduce(0) { $0 + $1.width } + max(0, columns.count - 1) }
}

public enum DstatTable {
    public static let groups: [DstatGroup] = [
        DstatGroup(title: "total-cpu-usage", columns: [
            DstatColumn(name: "usr", kind: .percent, width: 3) { $0.total.user + $0.total.nice },
            DstatColumn(name: "sys", kind: .percent, width: 3) { $0.total.system + $0.total.irq + $0.total.softirq },
            DstatColumn(name: "idl", kind: .percent, width: 3) { $0.total.idle },
            DstatColumn(name: "wai", kind: .percent, width: 3) { $0.total.iowait },
            DstatColumn(name: "stl", kind: .percent, width: 3) { $0.total.steal },
        ]),
        DstatGroup(title: "dsk/total", columns: [
            DstatColumn(name: "read", kind: .bytes, width: 5) { $0.diskTotal.readBytes },
            DstatColumn(name: "writ", kind: .bytes, width: 5) { $0.diskTotal.writeBytes },
        ]),
        DstatGroup(title: "net/total", columns: [
            DstatColumn(name: "recv", kind: .bytes, width: 5) { $0.netTotal.rxBytes },
            DstatColumn(name: "send", kind: .bytes, width: 5) { $0.netTotal.txBytes },
        ]),
        DstatGroup(title: "paging", columns: [
            DstatColumn(name: "in", kind: .bytes, width: 5) { $0.swapIn },
            DstatColumn(name: "out", kind: .bytes, width: 5) { $0.swapOut },
        ]),
        DstatGroup(title: "system", columns: [
            DstatColumn(name: "int", kind: .count, width: 5) { $0.interrupts },
            DstatColumn(name: "csw", kind: .count, width: 5) { $0.contextSwitches },
        ]),
    ]

    /// `--total-cpu-usage-- -dsk/total- …`
    public static func titleLine(_ groups: [DstatGroup] = groups) -> String {
        groups.map { g in
            let dashes = max(0, g.width - g.title.count)
            let left = (dashes + 1) / 2
            return String(repeating: "-", count: left) + g.title + String(repeating: "-", count: dashes - left)
        }.joined(separator: " ")
    }

    /// `usr sys idl wai stl| read  writ|…`
    public static func namesLine(_ groups: [DstatGroup] = groups) -> String {
        groups.map { g in g.columns.map { pad($0.name, $0.width) }.joined(separator: " ") }.joined(separator: "|")
    }

    /// One interval as a table row.
    public static func row(_ rates: ProcRates, _ groups: [DstatGroup] = groups) -> String {
        groups.map { g in g.columns.map { $0.formatted(rates) }.joined(separator: " ") }.joined(separator: "|")
    }

    /// The CSV header: `time,usr,sys,…` (column names prefixed by the group where they repeat).
    public static func csvHeader(_ groups: [DstatGroup] = groups) -> String {
        (["time"] + groups.flatMap { g in g.columns.map { csvName(g, $0) } }).joined(separator: ",")
    }

    /// One interval as CSV: the time in seconds (wall clock), then raw numbers (percent, bytes/s, per second).
    public static func csvRow(_ rates: ProcRates, time: Int64, _ groups: [DstatGroup] = groups) -> String {
        ([seconds(time)] + groups.flatMap { g in g.columns.map { decimal($0.value(rates)) } })
            .joined(separator: ",")
    }

    /// One interval as a JSON object on one line (JSON Lines).
    public static func jsonRow(_ rates: ProcRates, sample: ProcSample, _ groups: [DstatGroup] = groups) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("time"); w.raw(seconds(sample.realtime))
        for g in groups {
            for c in g.columns { w.key(csvName(g, c)); w.raw(decimal(c.value(rates))) }
        }
        w.key("mem_used"); w.number(Int(clamping: sample.memory.used))
        w.key("mem_available"); w.number(Int(clamping: sample.memory.available ?? 0))
        w.key("load1"); w.raw(decimal(Double(sample.load.one) / 100))
        w.endObject()
        return w.text
    }

    static func csvName(_ g: DstatGroup, _ c: DstatColumn) -> String {
        let prefix = g.title.split(separator: "/").first.map(String.init) ?? g.title
        return g.title.hasPrefix("total-cpu") ? c.name : "\(prefix)_\(c.name)"
    }

    /// `12.34`: two decimals, no exponent (JSON and CSV readers take it as is).
    public static func decimal(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        // Past Int64's hundredths (a counter that jumped by 2^64): Swift's shortest form, exponent and all.
        guard abs(v) < 9e16 else { return "\(v)" }
        let hundredths = Int64((abs(v) * 100).rounded())
        let frac = hundredths % 100
        return (v < 0 && hundredths > 0 ? "-" : "") + "\(hundredths / 100)." + (frac < 10 ? "0" : "") + "\(frac)"
    }

    static func seconds(_ ns: Int64) -> String {
        let ms = ns / 1_000_000
        let frac = abs(ms % 1000)
        let sign = ms < 0 && ms > -1000 ? "-" : ""
        return "\(sign)\(ms / 1000)." + String(repeating: "0", count: 3 - String(frac).count) + "\(frac)"
    }

    static func pad(_ s: String, _ width: Int) -> String { TextColumn<Void>.fit(s, width, .right) }
}
