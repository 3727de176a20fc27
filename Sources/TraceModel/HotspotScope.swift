/// What part of the trace the hotspot table and the flame graph cover: the stream's A–B range and its
/// filter, as perf report's `--time` and `--cpu`/`--comm` narrow its samples.
public struct HotspotScope: Sendable, Equatable {
    /// Store rows (markers A–B).
    public var rows: Range<Int>?
    /// The stream's filter expression (`cpu == 1`).
    public var filter: String?

    public init(rows: Range<Int>? = nil, filter: String? = nil) {
        self.rows = rows
        self.filter = filter
    }

    public var isEmpty: Bool { rows == nil && filter == nil }

    /// As the status line says it.
    public var description: String {
        var parts: [String] = []
        if let rows { parts.append("rows \(rows.lowerBound + 1)–\(rows.upperBound) (A–B)") }
        if let filter { parts.append("filter \(filter)") }
        return parts.joined(separator: ", ")
    }
}

extension HotspotSource {
    /// The source narrowed to `scope`: samples whose row is in the range and matches the filter; function
    /// durations of the calls in the range (a call tree is not cut by an event filter: the filter is ignored
    /// there, and `ignoresFilter` says so); event counts of the rows in the range that match.
    public func scoped(_ scope: HotspotScope, store: EventStore) -> HotspotSource {
        guard !scope.isEmpty else { return self }
        var matcher = scope.filter.flatMap { try? RowMatcher(FilterExpression.parse($0), store: store) }
        func keep(_ row: Int) -> Bool {
            if let rows = scope.rows, !rows.contains(row) { return false }
            return matcher?.matches(row) ?? true
        }
        switch self {
        case .samples(let s):
            return .samples(s.filtered { i in s.sampleRow[i] >= 0 && keep(Int(s.sampleRow[i])) })
        case .durations(let calls):
            guard let rows = scope.rows else { return .durations(calls) }
            return .durations(CallTree(store: store, rows: rows))
        case .events(let store, _):
            var rows = [Bool](repeating: false, count: store.count)
            for r in rows.indices where keep(r) { rows[r] = true }
            return .events(store, rows: rows)
        }
    }

    /// Whether `scoped` left the filter out (durations keep every call in the range whatever the filter).
    public func ignoresFilter(_ scope: HotspotScope) -> Bool {
        guard scope.filter != nil else { return false }
        if case .durations = self { return true }
        return false
    }
}
