import TraceModel

/// The source lines and function sizes of some leaves (`SourceLineResolver.details`: nm, addr2line, kallsyms):
/// the capture layer looks them up; the app core starts no processes, so the host hands it in
/// (`TraceApp.leafResolver`), as it does objdump for annotate.
public typealias ResolveLeaves = @Sendable (_ leaves: [SourceLineTable.Leaf], _ keys: [HotspotKey]) -> SourceLineTable.Details

/// The viewer's table by srcline or symbol_size (`s`): each sample's innermost frame and address read from the
/// store, looked up in the binaries, grouped as `tracetui report --sort srcline` groups them — built in a
/// `HotspotJob`, never on the UI thread (addr2line over a large binary takes a while).
struct LeafTable: Sendable {
    /// The store the source's samples came from (their rows hold the frames and addresses).
    var store: EventStore
    /// Nil: no lookups (lines named `symbol+OFFSET`, sizes 0), as where binutils is missing.
    var resolve: ResolveLeaves?

    func build(source: HotspotSource, keys: [HotspotKey], filter: HotspotFilter) -> HotspotTable {
        let samples = source.samples
        let (tallies, total, count) = SourceLineTable.leaves(of: samples, in: store, pid: filter.pid,
                                                             comm: filter.pid == nil ? filter.comm : nil)
        let details = resolve?(Array(tallies.keys), keys) ?? SourceLineTable.Details()
        return HotspotTable(leaves: tallies, keys: keys, details: details, total: total, count: count,
                            weighted: samples.weightsArePeriods, filter: filter)
    }
}

extension HotspotJob {
    /// The job with what a srcline / symbol_size table needs (the app's store and resolver); other jobs ignore it.
    func withLeaves(store: EventStore, resolve: ResolveLeaves?) -> HotspotJob {
        var job = self
        job.leaves = LeafTable(store: store, resolve: resolve)
        return job
    }
}
