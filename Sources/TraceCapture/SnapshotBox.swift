import Synchronization
import TraceModel

/// The one place a snapshot crosses from the capture actor to the UI thread.
public final class SnapshotBox: Sendable {
    private let state: Mutex<TraceSnapshot>
    /// Told after every publish (the viewer's run loop, asleep until something happens).
    private let observers = Mutex<[@Sendable () -> Void]>([])

    public init(_ initial: TraceSnapshot) {
        state = Mutex(initial)
    }

    public func publish(_ update: (inout TraceSnapshot) -> Void) {
        state.withLock {
            update(&$0)
            $0.generation += 1
        }
        for notify in observers.withLock({ $0 }) { notify() }
    }

    /// Calls `notify` (on the publishing thread) after every publish.
    public func onPublish(_ notify: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(notify) }
    }

    public var current: TraceSnapshot { state.withLock { $0 } }
}
