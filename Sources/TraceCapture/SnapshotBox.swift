import Synchronization
import TraceModel

/// The one place a snapshot crosses from the capture actor to the UI thread.
public final class SnapshotBox: Sendable {
    private let state: Mutex<TraceSnapshot>

    public init(_ initial: TraceSnapshot) {
        state = Mutex(initial)
    }

    public func publish(_ update: (inout TraceSnapshot) -> Void) {
        state.withLock {
            update(&$0)
            $0.generation += 1
        }
    }

    public var current: TraceSnapshot { state.withLock { $0 } }
}
