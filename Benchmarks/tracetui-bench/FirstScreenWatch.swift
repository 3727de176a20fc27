import Foundation
import Synchronization
import TraceCapture

/// Watches a session's published snapshots from a thread of its own and notes when the store first
/// holds enough rows to fill a screen.
///
/// A plain thread that sleeps between looks, so it neither takes a core from the two parse tasks
/// nor waits behind them on the cooperative pool.
final class FirstScreenWatch: Sendable {
    private let snapshots: SnapshotBox
    private let rows: Int
    private let start: ContinuousClock.Instant
    private let found = Mutex<Double?>(nil)
    private let stop = Atomic<Bool>(false)
    private let done = Atomic<Bool>(false)

    init(_ snapshots: SnapshotBox, rows: Int, since start: ContinuousClock.Instant) {
        self.snapshots = snapshots
        self.rows = rows
        self.start = start
        Thread.detachNewThread { [self] in watch() }
    }

    private func watch() {
        while true {
            let stopping = stop.load(ordering: .acquiring)
            if snapshots.current.store.count >= rows {
                let seconds = (ContinuousClock.now - start).seconds
                found.withLock { $0 = seconds }
                break
            }
            if stopping { break }
            usleep(200)
        }
        done.store(true, ordering: .releasing)
    }

    /// Seconds from `start` to the first snapshot with `rows` rows; nil if the load ended with fewer.
    func finish() async -> Double? {
        stop.store(true, ordering: .releasing)
        while !done.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(1)) }
        return found.withLock { $0 }
    }
}
