/// The fuzz targets of what follows a parse: each over text inputs (a trace log, or folded stacks for `flame`),
/// seeded by `Fuzz/run.sh` from the readers' seeds. The readers' own targets stop at the parse (FuzzTargets.swift).

#if canImport(Glibc)
import Glibc
#endif

/// `stat`'s reader: the summary parses the text again on its own (TraceSummary keeps counts, not rows).
func fuzzSummary(_ bytes: UnsafeRawBufferPointer) {
    _ = TraceSummary(parsing: Array(bytes))
}

/// The store's walks: the call tree or stack samples (HotspotSource), the hotspot table, folded text, the call
/// paths as text and JSON, and the flame graph's stacks taken from the call tree (their SVG is `flame`'s).
func fuzzWalks(_ bytes: UnsafeRawBufferPointer) {
    let store = EventStore(parsing: OwnedBytes(copying: bytes))
    let source = HotspotSource(store: store)
    _ = source.table()
    _ = source.folded()
    if let calls = source.calls {
        let paths = CallPathTree(calls)
        _ = paths.text()
        _ = paths.json()
        _ = FlameGraphSVG.frameCount(FoldedInput.stacks(of: calls))
    }
}

/// `dump --format chrome|csv`: both exporters over the store and its call tree, on every input (they ran on one
/// text input in four when they shared the readers' targets).
func fuzzExport(_ bytes: UnsafeRawBufferPointer) {
    let store = EventStore(parsing: OwnedBytes(copying: bytes))
    let tree = CallTree.hasCalls(store) ? CallTree(store: store) : nil
    for format in [ExportFormat.chrome, .csv] {
        // A small threshold: flushing often is a path of its own worth fuzzing.
        var sink = ByteSink(threshold: 1 << 12) { _ in }
        _ = try? Exporter.write(format, store: store, tree: tree, to: &sink)
        sink.finish()
    }
}

/// Folded stacks to what `dump --format folded|svg` and the hotspot view make of them: the samples' table and
/// folded text, and the SVG from the same text.
func fuzzFlame(_ bytes: UnsafeRawBufferPointer) {
    let parsed = FoldedStacks.parse(bytes)
    let source = HotspotSource(samples: parsed.samples)
    _ = source.table()
    _ = source.folded()
    let stacks = FoldedInput.parse(Array(bytes))
    if FlameGraphSVG.frameCount(stacks) < 400_000 { _ = FlameGraphSVG().render(stacks) }
}
