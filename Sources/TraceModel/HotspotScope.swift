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
            let hosts = scope.filter.flatMap { Self.hostsNamed(by: $0, in: store) }
            guard scope.rows != nil || hosts != nil else { return .durations(calls) }
            return .durations(CallTree(store: store, rows: scope.rows, hosts: hosts))
        case .events(let store, _):
            var rows = [Bool](repeating: false, count: store.count)
            for r in rows.indices where keep(r) { rows[r] = true }
            return .events(store, rows: rows)
        }
    }

    /// Whether `scoped` left the filter out (durations keep every call in the range whatever the filter, unless
    /// it tests nothing but the host).
    public func ignoresFilter(_ scope: HotspotScope, store: EventStore? = nil) -> Bool {
        guard let filter = scope.filter else { return false }
        if case .durations = self {
            return store.flatMap { Self.hostsNamed(by: filter, in: $0) } == nil
        }
        return false
    }

    /// The hosts a filter that tests only the host keeps (`host == web1`, `host =~ ^web`): calls are cut by host,
    /// as their lines are. nil for any other filter, or a store of one host.
    public static func hostsNamed(by filter: String, in store: EventStore) -> Set<UInt16>? {
        guard store.hasSeveralHosts, let e = try? FilterExpression.parse(filter), e.testsOnlyHost,
              var matcher = try? RowMatcher(e, store: store) else { return nil }
        // The answer depends on the row's host alone: one row of each host decides for it.
        var firstRow: [UInt16: Int] = [:]
        var base = 0
        for chunk in store.chunks {
            for i in 0..<chunk.count where firstRow[chunk.host(at: i)] == nil {
                firstRow[chunk.host(at: i)] = base + i
                if firstRow.count == store.hostNames.count { break }
            }
            base += chunk.count
            if firstRow.count == store.hostNames.count { break }
        }
        return Set(firstRow.filter { matcher.matches($0.value) }.keys)
    }
}

extension FilterExpression {
    /// Every comparison is on the `host` column.
    var testsOnlyHost: Bool {
        switch self {
        case .and(let a, let b), .or(let a, let b): return a.testsOnlyHost && b.testsOnlyHost
        case .not(let a): return a.testsOnlyHost
        case .compare(let field, _, _): return field == "host"
        }
    }
}
