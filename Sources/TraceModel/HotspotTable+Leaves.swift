extension HotspotTable {
    /// perf report's table by keys a sample's innermost frame decides (`--sort srcline`, `symbol_size`, with `sym`
    /// and `dso` beside them): self weight only, as perf's; one entry per distinct row of cells, the cells
    /// `SourceLineTable.cell` gives (what `tracetui report --sort srcline` prints). Entries are ordered by weight,
    /// ties by their cells, as report orders its rows.
    public init(leaves tallies: [SourceLineTable.Leaf: SourceLineTable.Tally], keys: [HotspotKey],
                details: SourceLineTable.Details, total: Int64, count: Int, weighted: Bool,
                filter: HotspotFilter = HotspotFilter()) {
        self.init(kind: .samples, keys: keys, children: false)
        var rows: [[String]: SourceLineTable.Tally] = [:]
        for (leaf, t) in tallies {
            // The whole path of a shared object (labels shorten it, filters match it) and the plain symbol (the
            // view marks it `[k]`/`[.]` beside a shared object column).
            let cells = keys.map { SourceLineTable.cell($0, leaf, details: details, fullPath: true, markSymbol: false) }
            rows[cells, default: SourceLineTable.Tally()].merge(t)
        }
        let dsoColumn = keys.firstIndex(of: .dso)
        func shown(_ cells: [String]) -> [String] {
            guard let d = dsoColumn else { return cells }
            var c = cells
            c[d] = Self.shortDso(c[d])
            return c
        }
        let sorted = rows.sorted { a, b in
            a.value.weight > b.value.weight
                || (a.value.weight == b.value.weight && shown(a.key).lexicographicallyPrecedes(shown(b.key)))
        }
        var ids: [[String: UInt32]] = Array(repeating: [:], count: keys.count)
        var columnNames: [[String]] = Array(repeating: [], count: keys.count)
        for (cells, t) in sorted {
            for (k, cell) in cells.enumerated() {
                let id: UInt32
                if let known = ids[k][cell] {
                    id = known
                } else {
                    id = UInt32(columnNames[k].count)
                    columnNames[k].append(cell)
                    ids[k][cell] = id
                }
                keyValues[k].append(id)
            }
            selfValue.append(t.weight)
            childrenValue.append(t.weight)
            countValue.append(Int64(t.count))
        }
        for (k, key) in keys.enumerated() { names[key] = columnNames[k] }
        self.total = total
        totalCount = count
        self.weighted = weighted
        self.filter = filter
        sort(by: sortColumn)
    }

    /// Whether this is a table by leaf keys (srcline, symbol_size): no callchains under its entries.
    public var isLeafTable: Bool { HotspotKey.isLeafTable(keys) }
}
