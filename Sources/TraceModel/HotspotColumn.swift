/// One column of a hotspot table — title, width, alignment, text — shared by the TUI table and the
/// `report` output, as perf's hpp columns serve both `--stdio` and its TUI.
public struct HotspotColumn: Sendable {
    public enum Align: Sendable { case left, right }

    public var title: String
    public var width: Int
    public var align: Align
    /// The metric the column shows, when the table can be ordered by it.
    public var sort: HotspotTable.SortColumn?
    /// The key the column shows, for key columns.
    public var key: HotspotKey?
    public var text: @Sendable (HotspotTable, Int) -> String
    /// The value for CSV and JSON (no `%`, no units).
    public var raw: @Sendable (HotspotTable, Int) -> String

    public init(title: String, width: Int, align: Align, sort: HotspotTable.SortColumn? = nil, key: HotspotKey? = nil,
                text: @escaping @Sendable (HotspotTable, Int) -> String,
                raw: (@Sendable (HotspotTable, Int) -> String)? = nil) {
        self.title = title
        self.width = width
        self.align = align
        self.sort = sort
        self.key = key
        self.text = text
        self.raw = raw ?? text
    }

    /// Pads or cuts `s` to the column's width.
    public func fit(_ s: String) -> String {
        s.count > width ? String(s.prefix(width)) : TextColumn<Void>.fit(s, width, align == .right ? .right : .left)
    }
}

extension HotspotTable {
    /// The columns this table has: metrics first, then the keys (perf's order), the last key unbounded.
    /// Key widths fit the entries in `sizedBy` (the visible ones), within `maxKeyWidth`.
    public func columns(sizedBy entries: ArraySlice<Int32>? = nil, maxKeyWidth: Int = 40) -> [HotspotColumn] {
        var cols: [HotspotColumn] = []
        func pct(_ title: String, _ sort: SortColumn, _ pick: @escaping @Sendable (HotspotTable, Int) -> Int64) {
            cols.append(HotspotColumn(title: title, width: 8, align: .right, sort: sort,
                                      text: { t, e in Self.percentText(t.percent(pick(t, e))) },
                                      raw: { t, e in Self.fixed2(t.percent(pick(t, e))) }))
        }
        func number(_ title: String, _ width: Int, _ sort: SortColumn?, _ pick: @escaping @Sendable (HotspotTable, Int) -> Int64) {
            cols.append(HotspotColumn(title: title, width: width, align: .right, sort: sort,
                                      text: { t, e in String(pick(t, e)) }))
        }
        func duration(_ title: String, _ sort: SortColumn?, _ pick: @escaping @Sendable (HotspotTable, Int) -> Int64) {
            cols.append(HotspotColumn(title: title, width: 10, align: .right, sort: sort,
                                      text: { t, e in TimeFormat.duration(nanoseconds: pick(t, e)) },
                                      raw: { t, e in String(pick(t, e)) }))
        }
        switch kind {
        case .samples:
            if children { pct("Children", .children) { t, e in t.childrenValue[e] } }
            pct("Self", .selfValue) { t, e in t.selfValue[e] }
            number("Samples", 8, .count) { t, e in t.countValue[e] }
        case .durations where avgSelf:
            duration("Self avg", .averageSelf) { t, e in t.averageSelf(e) }
            duration("Self min", nil) { t, e in t.minSelfValue[e] }
            duration("Self max", nil) { t, e in t.maxSelfValue[e] }
        case .durations:
            duration("Total", .total) { t, e in t.childrenValue[e] }
            duration("Self", .selfValue) { t, e in t.selfValue[e] }
            number("Calls", 8, .count) { t, e in t.countValue[e] }
            duration("Avg", .average) { t, e in t.average(e) }
            duration("Max", .max) { t, e in t.maxValue[e] }
            duration("Min", nil) { t, e in t.minValue[e] }
        case .events:
            number("Count", 9, .count) { t, e in t.countValue[e] }
            pct("Percent", .count) { t, e in t.countValue[e] }
        }
        let sample = entries ?? order[...]
        for (i, key) in keys.enumerated() {
            let isLast = i == keys.count - 1
            var width = key.title.count
            for e in sample.prefix(2000) { width = max(width, label(key, of: Int(e)).count + (key == .symbol ? 4 : 0)) }
            width = min(width, isLast ? 1000 : maxKeyWidth)
            let decorated = kind == .samples && key == .symbol
            cols.append(HotspotColumn(title: key.title, width: isLast ? max(width, 1) : width, align: .left,
                                      sort: key == .symbol || key == .event ? .name : nil, key: key,
                                      text: { t, e in decorated ? t.symbolText(e) : t.label(key, of: e) },
                                      // CSV and JSON keep a shared object's whole path.
                                      raw: { t, e in t.label(key, of: e, full: true) }))
        }
        return cols
    }

    /// perf's symbol column: `[k]` for kernel code, `[.]` for user code.
    public func symbolText(_ entry: Int) -> String {
        let sym = label(.symbol, of: entry)
        let dso = label(.dso, of: entry)
        if dso.isEmpty { return sym }
        return Self.markedSymbol(sym, dso: dso)
    }

    /// `[k] name` for kernel code, `[.] name` for user code: how perf prints a symbol.
    public static func markedSymbol(_ sym: String, dso: String) -> String {
        (isKernel(dso) ? "[k] " : "[.] ") + sym
    }

    public static func isKernel(_ dso: String) -> Bool {
        dso.hasPrefix("[kernel") || dso.contains("vmlinux") || dso == "[guest.kernel]"
    }

    static func fixed2(_ v: Double) -> String {
        // Ties to even, as printf("%.2f") rounds an exact half (perf prints 65.625 % as 65.62).
        let scaled = Int64((v * 100).rounded(.toNearestOrEven))
        let whole = scaled / 100, frac = scaled % 100
        return "\(whole)." + (frac < 10 ? "0" : "") + String(frac)
    }

    static func percentText(_ v: Double) -> String { fixed2(v) + "%" }
}
