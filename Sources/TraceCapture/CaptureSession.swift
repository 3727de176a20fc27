import TraceModel

/// Owns the sources of one session and feeds their rows into one store, publishing snapshots.
///
/// Replay reads a file; later sources (tracefs, /proc, perf) join the same actor.
public actor CaptureSession {
    public nonisolated let snapshots: SnapshotBox
    var store = EventStore()

    public init(sourceName: String) {
        snapshots = SnapshotBox(TraceSnapshot(source: sourceName))
    }

    /// Parses a whole file in pieces, two at a time on two cores, appending them in file order.
    /// Publishes after every piece so the first screen shows while the rest loads.
    public func replay(_ storage: ByteStorage) async {
        let started = ContinuousClock.now
        func secondsSinceStart() -> Double {
            let elapsed = ContinuousClock.now - started
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let total = storage.bytes.count
        snapshots.publish { $0.progress = LoadProgress(bytesDone: 0, bytesTotal: total) }
        var done = 0
        // The call tree grows piece by piece from lines taken apart while parsing, so it is ready
        // with the store, on this actor while the next pieces parse.
        var calls: CallTreeBuilder?
        await ParallelParse.run(storage, keepRows: true) { piece in
            store.append(piece)
            if !piece.graph.isEmpty {
                if calls == nil { calls = CallTreeBuilder(expectedCalls: Self.expectedCalls(piece, of: total)) }
                calls?.consumeLastPiece(piece.graph, of: store)
            }
            done += piece.byteCount
            let seconds = secondsSinceStart()
            let snapshot = store
            snapshots.publish {
                $0.store = snapshot
                $0.progress = LoadProgress(bytesDone: done, bytesTotal: total, seconds: seconds)
            }
        }
        let seconds = secondsSinceStart()
        let snapshot = store
        let tree = CallTree.hasCalls(snapshot) ? calls?.finish() : nil
        snapshots.publish {
            $0.store = snapshot
            $0.callTree = tree
            $0.progress = LoadProgress(bytesDone: total, bytesTotal: total, seconds: seconds, finished: true)
        }
    }

    /// Calls to make room for, from the first piece with calls: its calls per byte, over the whole file.
    private static func expectedCalls(_ piece: ParsedPiece, of totalBytes: Int) -> Int {
        let calls = piece.graph.callCount
        guard piece.byteCount > 0, calls > 0 else { return 0 }
        return Int(Double(calls) / Double(piece.byteCount) * Double(totalBytes) * 1.02)
    }
}
