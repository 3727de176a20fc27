import Dispatch
import Glibc
import Screen
import Synchronization

/// Process-wide stop requests: SIGINT, SIGTERM and SIGHUP set a flag the main loop polls.
///
/// Install it before `TerminalScreen.open`: ncurses hooks SIGINT and SIGTERM only while they are still
/// SIG_DFL, and its handlers would end curses mode behind the app's back.
public final class StopSignals: Sendable {
    private static let names: [Int32: String] = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"]
    /// One per process: the signals' dispositions are process-wide, so a second set of sources would only
    /// duplicate the first.
    private static let shared = StopSignals()

    /// 0 until the first stop signal arrives, then its number.
    private let received = Atomic<Int32>(0)
    /// Kept so that the sources live as long as the process.
    private let sources = Mutex<[any DispatchSourceSignal]>([])
    /// Called when a stop signal arrives, so that a loop asleep in poll(2) sees the flag at once.
    private let wakers = Mutex<[Waker]>([])

    /// Ignores the signals first (so ncurses does not hook them), then installs DispatchSourceSignal
    /// handlers on a global queue — created inside a nonisolated func (see the notes' pitfall 1).
    public static func install() -> StopSignals {
        shared
    }

    /// Nonisolated on purpose: a handler closure formed in a @MainActor context would be inferred
    /// @MainActor, and Dispatch running it on a global queue traps at runtime.
    private init() {
        sources.withLock { sources in
            for number in Self.names.keys.sorted() {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in
                    // Keep the first signal's name: a later SIGHUP from the closing terminal is not the reason.
                    _ = received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
                    for wake in wakers.withLock({ $0 }) { wake() }
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Wakes `waker` whenever a stop signal arrives (the run loop's terminal).
    public func wakes(_ waker: Waker) {
        wakers.withLock { $0.append(waker) }
    }

    public var isRaised: Bool { received.load(ordering: .relaxed) != 0 }

    /// The signal's number (for the exit status shells expect, 128 + it); nil until a signal arrived.
    public var signalNumber: Int32? {
        let n = received.load(ordering: .relaxed)
        return n == 0 ? nil : n
    }

    /// "SIGTERM" etc, for the exit message; nil until a signal arrived.
    public var signalName: String? { Self.names[received.load(ordering: .relaxed)] }
}
