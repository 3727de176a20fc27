import TraceModel

/// Live hotspots: what the app asks to be rebuilt from a newer store (the view's grouping, filter, order
/// and unfolded callchains), built off the UI thread by `build`, then swapped in by `TraceApp`.
public struct HotspotRefresh: Sendable {
    public struct Request: Sendable {
        let store: EventStore
        let callTree: CallTree?
        let kind: HotspotTable.Kind?
        let keys: [HotspotKey]?
        let filter: HotspotFilter
        let sortColumn: HotspotTable.SortColumn?
        let unfolded: Set<String>
        let callers: Bool
        let wantsFlame: Bool
        let generation: Int
        /// The stream's filter and A–B range the live table covers (`TraceApp.liveHotspotScope`).
        var scope = HotspotScope()
        /// Looks up source lines and sizes for a srcline / symbol_size table (nil: named as perf names unknowns).
        var resolve: ResolveLeaves?
    }

    let source: HotspotSource
    let table: HotspotTable
    /// Callchains of the unfolded entries, by their stable keys.
    let chains: [String: StackTree]
    let flame: StackTree?
    let generation: Int
    let scope: HotspotScope
    /// Samples, calls or events the table holds (for tests and the status).
    public var total: Int { table.totalCount }

    /// Builds the table (and the flame graph's stacks) of the request's store: the expensive part, meant
    /// for a background task.
    public static func build(_ r: Request) -> HotspotRefresh {
        let source = HotspotSource(store: r.store, callTree: r.callTree).scoped(r.scope, store: r.store)
        var table: HotspotTable
        if source.kind == r.kind, let keys = r.keys, HotspotKey.isLeafTable(keys) {
            table = LeafTable(store: r.store, resolve: r.resolve).build(source: source, keys: keys, filter: r.filter)
            if let c = r.sortColumn, table.sortColumns.contains(c) { table.sort(by: c) }
        } else if source.kind == r.kind, let keys = r.keys {
            table = source.table(keys: keys, children: true, filter: r.filter)
            if let c = r.sortColumn, table.sortColumns.contains(c) { table.sort(by: c) }
        } else {
            table = source.table()
        }
        var chains: [String: StackTree] = [:]
        if source.kind == .samples, !r.unfolded.isEmpty {
            for e32 in table.order {
                let e = Int(e32)
                let key = HotspotView.stableKey(table, e)
                guard r.unfolded.contains(key) else { continue }
                chains[key] = StackTree(callchainOf: e, in: table, samples: source.samples, callers: r.callers)
            }
        }
        let flame = r.wantsFlame ? source.flame() : nil
        return HotspotRefresh(source: source, table: table, chains: chains, flame: flame, generation: r.generation,
                              scope: r.scope)
    }
}
