import Synchronization

/// A value computed on a task of its own and asked for without waiting: the viewer polls it each frame and keeps
/// answering keys meanwhile (an A–B call tree of a large file takes seconds).
public final class BackgroundValue<Value: Sendable>: Sendable {
    private let box = Mutex<Value?>(nil)

    public init(_ make: @escaping @Sendable () -> Value) {
        Task.detached(priority: .userInitiated) { [self] in
            let value = make()
            box.withLock { $0 = value }
        }
    }

    /// The value once it is made, nil until then.
    public var value: Value? { box.withLock { $0 } }
}
