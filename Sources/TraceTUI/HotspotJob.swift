import TraceModel

/// Work the hotspot and flame views need that can take seconds on a large profile — the hotspot table,
/// a regrouped or re-zoomed table, callchains of millions of frames, the live table rebuilt from a newer
/// store — done off the UI thread: one pipeline for replay and live.
///
/// The app hands jobs out (`TraceApp.takeBackgroundJobs`); the caller runs `run()` on a background task
/// and gives the result back (`TraceApp.adopt`). Meanwhile the view shows "building…" and keys go on
/// working. Jobs hold only Sendable values (the store, the samples, a table), never the view.
public struct HotspotJob: Sendable {
    /// Which request of its view this is: a result for an older one is dropped.
    let generation: Int
    let work: Work
    /// A table by srcline or symbol_size is built from the store's leaves (`withLeaves`).
    var leaves: LeafTable?

    enum Work: Sendable {
        /// `3` / `4` the first time: the source of the whole trace (unless known), then the pane's data.
        /// `scope`: the stream's A–B range and filter the source covers.
        case open(store: EventStore, callTree: CallTree?, source: HotspotSource?, pane: KeyContext, scope: HotspotScope)
        /// The table again with other keys or another thread filter.
        case table(source: HotspotSource, keys: [HotspotKey], filter: HotspotFilter)
        /// Callchains of some entries, keyed as the view keys them.
        case chains(source: HotspotSource, table: HotspotTable, entries: [ChainRequest], callers: Bool)
        /// Live: the table (and flame graph) again from a newer store, as the view shows it.
        case refresh(HotspotRefresh.Request)
        /// `a`: the function's samples on its instructions (objdump's disassembly).
        case annotate(AnnotateRequest)
    }

    /// A table (which a newer table replaces), not callchains or a pane's first data.
    var isTable: Bool {
        if case .table = work { return true }
        return false
    }

    struct ChainRequest: Sendable {
        var entry: Int
        var key: String
    }

    /// Does the work: on whatever thread calls it, which must not be the UI's.
    public func run() async -> HotspotJobResult {
        switch work {
        case .open(let store, let callTree, let known, let pane, let scope):
            let source = known ?? HotspotSource(store: store, callTree: callTree).scoped(scope, store: store)
            if pane == .flame { return HotspotJobResult(job: self, value: .opened(source, table: nil, flame: source.flame())) }
            return HotspotJobResult(job: self, value: .opened(source, table: await source.buildTable(), flame: nil))
        case .table(let source, let keys, let filter):
            if HotspotKey.isLeafTable(keys), let leaves {
                return HotspotJobResult(job: self, value: .table(leaves.build(source: source, keys: keys, filter: filter)))
            }
            return HotspotJobResult(job: self, value: .table(await source.buildTable(keys: keys, filter: filter)))
        case .chains(let source, let table, let entries, let callers):
            var built: [(String, StackTree)] = []
            for r in entries {
                built.append((r.key, StackTree(callchainOf: r.entry, in: table, samples: source.samples, callers: callers)))
            }
            return HotspotJobResult(job: self, value: .chains(built))
        case .refresh(let request):
            return HotspotJobResult(job: self, value: .refreshed(HotspotRefresh.build(request)))
        case .annotate(let request):
            return HotspotJobResult(job: self, value: .annotated(request.run()))
        }
    }
}

/// What a `HotspotJob` built, for `TraceApp.adopt`.
public struct HotspotJobResult: Sendable {
    let job: HotspotJob

    enum Value: Sendable {
        case opened(HotspotSource, table: HotspotTable?, flame: StackTree?)
        case table(HotspotTable)
        case chains([(String, StackTree)])
        case refreshed(HotspotRefresh)
        case annotated(AnnotateResult)
    }

    let value: Value
}
