/// The hotspots one trace offers, chosen by what it holds: function_graph calls give durations, stacks
/// (perf samples, ftrace `<stack trace>` blocks, folded text) give samples, anything else event counts.
public enum HotspotSource: Sendable {
    /// Stack samples (perf script, live sampling, folded stacks).
    case samples(StackSamples)
    /// Function durations from function_graph or uftrace calls.
    case durations(CallTree)
    /// Neither: the events themselves, counted; `rows`, when set, says which store rows count (the stream's
    /// filter and A–B range, `scoped`).
    case events(EventStore, rows: [Bool]? = nil)

    /// Calls when the store has function_graph calls, else its samples, else its events.
    public init(store: EventStore, callTree: CallTree? = nil) {
        if let tree = callTree ?? (CallTree.hasCalls(store) ? CallTree(store: store) : nil), tree.count > 0 {
            self = .durations(tree)
            return
        }
        let samples = StackSamples(store: store)
        self = samples.isEmpty ? .events(store) : .samples(samples)
    }

    public init(samples: StackSamples) {
        self = .samples(samples)
    }

    public var kind: HotspotTable.Kind {
        switch self {
        case .samples: return .samples
        case .durations: return .durations
        case .events: return .events
        }
    }

    /// The calls of a durations source (nil for samples and event counts).
    public var calls: CallTree? {
        if case .durations(let calls) = self { return calls }
        return nil
    }

    /// The stack samples (none for durations and event counts).
    public var samples: StackSamples {
        if case .samples(let s) = self { return s }
        return StackSamples()
    }

    public func table(keys: [HotspotKey]? = nil, children: Bool = true,
                      filter: HotspotFilter = HotspotFilter()) -> HotspotTable {
        let k = keys ?? HotspotKey.defaults(for: kind)
        switch self {
        case .samples(let samples): return HotspotTable(samples: samples, keys: k, children: children, filter: filter)
        case .durations(let calls): return HotspotTable(calls: calls, keys: k, filter: filter)
        case .events(let store, let rows): return HotspotTable(events: store, keys: k, filter: filter, rows: rows)
        }
    }

    /// The same table built for a background task: samples are summed on two cores. The one entry point
    /// for a view (or a live refresh) that must not build on the UI thread.
    public func buildTable(keys: [HotspotKey]? = nil, children: Bool = true,
                           filter: HotspotFilter = HotspotFilter()) async -> HotspotTable {
        let k = keys ?? HotspotKey.defaults(for: kind)
        guard case .samples(let samples) = self else { return table(keys: k, children: children, filter: filter) }
        return await HotspotTable.build(samples: samples, keys: k, children: children, filter: filter)
    }

    /// The stacks of the flame view (nil for event counts, which have none).
    public func flame(pid: Int32? = nil) -> StackTree? {
        switch self {
        case .samples(let samples): return StackTree(samples: samples, pid: pid)
        case .durations(let calls): return StackTree(calls: CallPathTree(calls))
        case .events: return nil
        }
    }

    /// Folded stacks (nil for event counts).
    public func folded() -> String? {
        switch self {
        case .samples(let samples): return FoldedStacks.text(samples: samples)
        case .durations(let calls): return FoldedStacks.text(calls: calls)
        case .events: return nil
        }
    }
}
