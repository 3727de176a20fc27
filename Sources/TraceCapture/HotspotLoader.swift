import TraceModel

/// Loads a file for the hotspot commands: perf script text and ftrace logs are parsed into a store,
/// folded stacks (`a;b;c 12`) straight into samples.
public enum HotspotLoader {
    public static func load(_ storage: ByteStorage) async -> HotspotSource {
        let bytes = storage.bytes
        if !looksLikePerfScript(bytes), FoldedStacks.looksFolded(bytes) {
            return HotspotSource(samples: FoldedStacks.parse(bytes).samples)
        }
        var store = EventStore()
        await ParallelParse.run(storage, keepRows: true) { store.append($0) }
        return HotspotSource(store: store)
    }

    /// The same for an input of any kind (compressed, trace.dat, Chrome JSON).
    public static func load(_ input: TraceInput) async throws(CaptureError) -> HotspotSource {
        if input.stream != nil { return HotspotSource(store: try await input.load()) }
        if input.format == .folded { return HotspotSource(samples: FoldedStacks.parse(input.file.bytes).samples) }
        if input.format == .ftraceText || input.format == .perfScript { return await load(input.file) }
        return HotspotSource(store: try await input.load())
    }
}
