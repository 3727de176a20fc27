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
        await ParallelParse.run(storage, keepRows: true) { piece in
            store.append(piece)
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
        // The call tree is derived once the whole file is in, here rather than on the UI thread.
        let tree = CallTree.hasCalls(snapshot) ? CallTree(store: snapshot) : nil
        snapshots.publish {
            $0.store = snapshot
            $0.callTree = tree
            $0.progress = LoadProgress(bytesDone: total, bytesTotal: total, seconds: seconds, finished: true)
        }
    }
}
