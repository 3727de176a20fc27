import Screen
import TraceTUI

/// A terminal for run-loop tests: keys come from a script, frames are recorded, and time is simulated — a
/// wait with a timeout moves the clock by the timeout, a wait without one sleeps until the next scripted key.
@MainActor
final class FakeTerminal: TerminalDevice {
    var width: Int
    var height: Int
    /// Every canvas presented, in order.
    private(set) var frames: [Canvas] = []
    private(set) var invalidations = 0
    /// The timeout of every wait, in order (nil: slept until input).
    private(set) var waits: [Duration?] = []
    /// The simulated time.
    private(set) var now: Duration = .zero
    /// Keys to hand out, each at its time.
    private var script: [(at: Duration, keys: [Key])]
    nonisolated let waker = Waker {}

    init(width: Int = 80, height: Int = 24, script: [(at: Duration, keys: [Key])]) {
        self.width = width
        self.height = height
        self.script = script
    }

    func present(_ canvas: Canvas) { frames.append(canvas) }

    func invalidate() { invalidations += 1 }

    func waitForKeys(timeout: Duration?) -> [Key] {
        waits.append(timeout)
        let deadline = timeout.map { now + $0 }
        if let next = script.first, deadline.map({ next.at <= $0 }) ?? true {
            script.removeFirst()
            now = max(now, next.at)
            return next.keys
        }
        if let deadline {
            now = deadline
            return []
        }
        // Nothing scripted and nothing due: a real loop would sleep for ever; end the test's loop instead.
        now += .seconds(86_400)
        return [.char("q")]
    }
}
