import Synchronization
import TraceModel

/// Where a sampler's samples cross to the UI thread: the sampler appends, the drawing loop takes a copy
/// (copy-on-write arrays, so a copy costs a reference count) and redraws when the generation moved.
///
/// A live capture can own one next to its `SnapshotBox`: `sampler.start { box.append($0) }`, then
/// `app.system = box.current.history` each frame.
public final class ProcHistoryBox: Sendable {
    private let state: Mutex<(history: ProcHistory, generation: Int)>
    /// Told after every sample (the viewer's run loop, asleep until something happens).
    private let observers = Mutex<[@Sendable () -> Void]>([])

    /// `limit` samples are kept (an hour at one a second by default).
    public init(pageSize: Int = ProcReader.pageSize, limit: Int = 3600) {
        state = Mutex((ProcHistory(pageSize: pageSize, limit: limit), 0))
    }

    public func append(_ sample: ProcSample) {
        state.withLock {
            $0.history.append(sample)
            $0.generation += 1
        }
        for notify in observers.withLock({ $0 }) { notify() }
    }

    /// Calls `notify` (on the sampler's thread) after every sample.
    public func onAppend(_ notify: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(notify) }
    }

    public var current: (history: ProcHistory, generation: Int) { state.withLock { ($0.history, $0.generation) } }
}
