import TraceModel

/// Owns the sources of one session and feeds their rows into one store, publishing snapshots.
///
/// Replay reads a file; later sources (tracefs, /proc, perf) join the same actor.
public actor CaptureSession {
    public nonisolated let snapshots: SnapshotBox
    var store = EventStore()
    /// The call tree grows piece by piece from lines taken apart while parsing, so it is ready with the
    /// store, built on this actor while the next pieces parse.
    private var calls: CallTreeBuilder?

    public init(sourceName: String) {
        snapshots = SnapshotBox(TraceSnapshot(source: sourceName))
    }

    /// Parses a whole file in pieces, two at a time on two cores, appending them in file order.
    /// Publishes after every piece so the first screen shows while the rest loads.
    public func replay(_ storage: ByteStorage) async {
        let started = ContinuousClock.now
        let total = storage.bytes.count
        snapshots.publish { $0.progress = LoadProgress(bytesDone: 0, bytesTotal: total) }
        var done = 0
        await ParallelParse.run(storage, keepRows: true) { piece in
            done += piece.byteCount
            add(piece, done: done, total: total, started: started)
        }
        finish(total: total, started: started, failure: nil)
    }

    /// Reads an input of any kind (text, compressed, Chrome JSON, trace.dat) into the store.
    public func replay(_ input: TraceInput) async {
        let started = ContinuousClock.now
        let total = input.byteCount
        snapshots.publish { $0.progress = LoadProgress(bytesDone: 0, bytesTotal: total) }
        var failure: String?
        do {
            try await input.parse(keepRows: true) { piece, done in
                add(piece, done: done, total: total, started: started)
            }
        } catch {
            failure = error.description
        }
        finish(total: total, started: started, failure: failure)
    }

    /// Several inputs on one timeline (interleaved by time when their clocks agree, else one after another).
    public func replay(_ inputs: [TraceInput]) async {
        if inputs.count == 1 {
            await replay(inputs[0])
            return
        }
        let started = ContinuousClock.now
        let total = inputs.reduce(0) { $0 + $1.byteCount }
        snapshots.publish { $0.progress = LoadProgress(bytesDone: 0, bytesTotal: total) }
        var stores: [EventStore] = []
        var done = 0
        do {
            for input in inputs {
                stores.append(try await input.load())
                done += input.byteCount
                let progress = LoadProgress(bytesDone: done / 2, bytesTotal: total,
                                            seconds: Self.seconds(since: started))
                snapshots.publish { $0.progress = progress }
            }
        } catch {
            finish(total: total, started: started, failure: error.description)
            return
        }
        // perf script rows and ftrace lines need different parsers: each kind is merged on its own timeline and
        // parsed as its own text, the samples after the events.
        let names = inputs.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.path }
        let kinds = inputs.map(\.contentFormat)
        let samples = inputs.indices.filter { kinds[$0].isPerfScript }
        let events = inputs.indices.filter { !kinds[$0].isPerfScript }
        let groups = [events, samples].filter { !$0.isEmpty }
        var notes: [String] = []
        let texts = groups.map { group -> [UInt8] in
            let merged = TimelineMerge.merge(group.map { stores[$0] }, names: group.map { names[$0] },
                                             perfScript: kinds[group[0]].isPerfScript)
            if let note = merged.note { notes.append(note) }
            return merged.text
        }
        // Said when the user put the two kinds together; not for the samples `record` writes beside its events
        // (`FILE.perf` next to `FILE`), which always come that way (a red line on the demo's first screen, too).
        let sidecars = samples.allSatisfy { k in
            events.contains { e in
                let base = inputs[e].path.replacingOccurrences(of: ".zst", with: "").replacingOccurrences(of: ".gz", with: "")
                return inputs[k].path.hasPrefix(base + ".perf")
            }
        }
        if groups.count > 1, !sidecars { notes.append("perf samples are shown after the events (a different kind of text)") }
        stores = []
        let textBytes = max(1, texts.reduce(0) { $0 + $1.count })
        for text in texts {
            await ParallelParse.run(OwnedBytes(text), keepRows: true) { piece in
                add(piece, done: total / 2 + Int(Double(total) / 2 * Double(store.bytesParsed + piece.byteCount)
                                                    / Double(textBytes)),
                    total: total, started: started)
            }
        }
        finish(total: total, started: started, failure: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    private static func seconds(since started: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    private func add(_ piece: ParsedPiece, done: Int, total: Int, started: ContinuousClock.Instant) {
        store.append(piece)
        if !piece.graph.isEmpty {
            if calls == nil { calls = CallTreeBuilder(expectedCalls: Self.expectedCalls(piece, of: total)) }
            calls?.consumeLastPiece(piece.graph, of: store)
        }
        let seconds = Self.seconds(since: started)
        let snapshot = store
        snapshots.publish {
            $0.store = snapshot
            $0.progress = LoadProgress(bytesDone: done, bytesTotal: total, seconds: seconds)
        }
    }

    private func finish(total: Int, started: ContinuousClock.Instant, failure: String?) {
        let seconds = Self.seconds(since: started)
        let snapshot = store
        let tree = CallTree.hasCalls(snapshot) ? (calls?.finish() ?? CallTree(store: snapshot)) : nil
        calls = nil
        snapshots.publish {
            $0.store = snapshot
            $0.callTree = tree
            if let failure { $0.error = failure }
            $0.progress = LoadProgress(bytesDone: total, bytesTotal: total, seconds: seconds, finished: true)
        }
    }

    /// Calls to make room for, from the first piece with calls: its calls per byte, over the whole input.
    private static func expectedCalls(_ piece: ParsedPiece, of totalBytes: Int) -> Int {
        let calls = piece.graph.callCount
        guard piece.byteCount > 0, calls > 0 else { return 0 }
        return Int(Double(calls) / Double(piece.byteCount) * Double(totalBytes) * 1.02)
    }
}
