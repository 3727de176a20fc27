/// The hotspots one trace offers, chosen by what it holds: function_graph calls give durations, stacks
/// (perf samples, ftrace `<stack trace>` blocks, folded text) give samples, anything else event counts.
public struct HotspotSource: Sendable {
    public let kind: HotspotTable.Kind
    public let samples: StackSamples
    public let calls: CallTree?
    public let store: EventStore?

    public init(store: EventStore, callTree: CallTree? = nil) {
        self.store = store
        let tree = callTree ?? (CallTree.hasCalls(store) ? CallTree(store: store) : nil)
        if let tree, tree.count > 0 {
            kind = .durations
            calls = tree
            samples = StackSamples()
            return
        }
        calls = nil
        samples = StackSamples(store: store)
        kind = samples.isEmpty ? .events : .samples
    }

    public init(samples: StackSamples) {
        kind = .samples
        self.samples = samples
        calls = nil
        store = nil
    }

    public func table(keys: [HotspotKey]? = nil, children: Bool = true,
                      filter: HotspotFilter = HotspotFilter()) -> HotspotTable {
        let k = keys ?? HotspotKey.defaults(for: kind)
        switch kind {
        case .samples: return HotspotTable(samples: samples, keys: k, children: children, filter: filter)
        case .durations: return HotspotTable(calls: calls!, keys: k, filter: filter)
        case .events: return HotspotTable(events: store ?? EventStore(), keys: k, filter: filter)
        }
    }

    /// The same table built for a background task: samples are summed on two cores. The one entry point
    /// for a view (or a live refresh) that must not build on the UI thread.
    public func buildTable(keys: [HotspotKey]? = nil, children: Bool = true,
                           filter: HotspotFilter = HotspotFilter()) async -> HotspotTable {
        let k = keys ?? HotspotKey.defaults(for: kind)
        guard kind == .samples else { return table(keys: k, children: children, filter: filter) }
        return await HotspotTable.build(samples: samples, keys: k, children: children, filter: filter)
    }

    /// The stacks of the flame view (nil for event counts, which have none).
    public func flame(pid: Int32? = nil) -> StackTree? {
        switch kind {
        case .samples: return StackTree(samples: samples, pid: pid)
        case .durations: return StackTree(calls: CallPathTree(calls!))
        case .events: return nil
        }
    }

    /// Folded stacks (nil for event counts).
    public func folded() -> String? {
        switch kind {
        case .samples: return FoldedStacks.text(samples: samples)
        case .durations: return FoldedStacks.text(calls: calls!)
        case .events: return nil
        }
    }
}
