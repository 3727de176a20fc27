import TraceModel

/// The hotspot table's columns fitted to a width: the symbol (in a srcline or symbol_size table, the line or
/// the size) always shows (it takes what is left, at least
/// `minimumSymbol` cells or its whole name); to make room, in this order: the command is cut to 12 cells, the
/// shared object (already its file name, as perf prints it) to 16, then the samples column goes, then the
/// command, then the shared object, then the other key columns (pid, cpu). Percentages always stay.
enum HotspotColumnFit {
    static let minimumSymbol = 24

    /// `mark`: cells drawn before the symbol (the fold mark).
    static func fit(_ columns: [HotspotColumn], width: Int, mark: Int) -> [HotspotColumn] {
        // The column that always shows: the symbol (the event), else the source line or the symbol size.
        let mains: [HotspotKey] = columns.contains { $0.key == .symbol || $0.key == .event } ? [.symbol, .event]
            : columns.contains { $0.key == .srcline } ? [.srcline] : [.symbolSize]
        guard let symbolIndex = columns.lastIndex(where: { $0.key.map(mains.contains) == true }) else { return columns }
        var cols = columns
        let wanted = min(minimumSymbol, cols[symbolIndex].width)
        func room() -> Int {
            let others = cols.filter { $0.key.map(mains.contains) != true }
            let used = 1 + others.reduce(0) { $0 + $1.width + 2 } + mark
            return width - used
        }
        let steps: [(inout [HotspotColumn]) -> Void] = [
            { c in cap(&c, key: .comm, to: 12) },
            { c in cap(&c, key: .dso, to: 16) },
            { c in c.removeAll { $0.key == nil && $0.sort == .count && $0.title == "Samples" } },
            { c in c.removeAll { $0.key == .comm } },
            { c in c.removeAll { $0.key == .dso } },
            { c in c.removeAll { $0.key != nil && !mains.contains($0.key!) } },
        ]
        for step in steps where room() < wanted { step(&cols) }
        return cols
    }

    private static func cap(_ cols: inout [HotspotColumn], key: HotspotKey, to limit: Int) {
        for i in cols.indices where cols[i].key == key { cols[i].width = min(cols[i].width, limit) }
    }
}
