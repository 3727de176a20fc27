import Screen
import TraceModel

/// The one loop of every full-screen mode (replay, live, `dstat --ui`). It sleeps until something happens —
/// a key, a resize, a newer snapshot, new /proc samples, a finished job, or the next deadline the app asked for
/// — hands each to the app, starts the effects' jobs, and draws a frame only when the canvas differs from the
/// last one. With nothing happening it makes no frame and no system call but the one it sleeps in.
@MainActor
public final class RunLoop {
    /// Where the loop's inputs come from besides the terminal; each is read only after a wake-up.
    public struct Sources {
        /// The capture's newest snapshot (its `generation` tells whether it changed).
        public var snapshot: (() -> TraceSnapshot)?
        /// The session's /proc samples and their generation.
        public var system: (() -> (history: ProcHistory, generation: Int))?
        /// A stop signal arrived.
        public var shouldStop: () -> Bool

        public init(snapshot: (() -> TraceSnapshot)? = nil,
                    system: (() -> (history: ProcHistory, generation: Int))? = nil,
                    shouldStop: @escaping () -> Bool = { false }) {
            self.snapshot = snapshot
            self.system = system
            self.shouldStop = shouldStop
        }
    }

    public private(set) var app: TraceApp
    public let jobs: JobRunner
    /// Frames that changed the screen.
    public private(set) var frames = 0
    /// Times the app was drawn into a canvas (some of them found nothing changed).
    public private(set) var renders = 0
    /// Frames drawn because of new data (not keys) come at most this often: a capture publishing 30 times
    /// a second costs 30 renders, not more, and keys are never held back by it.
    public var dataFrameInterval: Duration = .milliseconds(33)

    private let terminal: any TerminalDevice
    private let sources: Sources
    private let host: AppHost?
    private let now: () -> Duration
    private var lastCanvas: Canvas?
    private var snapshotGeneration = -1
    private var systemGeneration = -1

    /// `now` is the loop's clock (time since any fixed start); tests give a fake one that the fake terminal
    /// moves on while it "sleeps".
    public init(app: TraceApp, terminal: any TerminalDevice, sources: Sources, host: AppHost? = nil,
                now: @escaping () -> Duration = { RunLoop.monotonic() }) {
        self.app = app
        self.terminal = terminal
        self.sources = sources
        self.host = host
        self.now = now
        self.jobs = JobRunner(wake: terminal.waker)
    }

    /// Time from the first call, on the continuous clock.
    public nonisolated static func monotonic() -> Duration {
        ContinuousClock.now - start
    }
    private nonisolated static let start = ContinuousClock.now

    /// Runs until a quit effect or a stop signal; returns the app as it ended.
    @discardableResult
    public func run() -> TraceApp {
        var keys: [Key] = []
        var pendingDataFrame = false
        var lastFrameAt: Duration?
        while !sources.shouldStop() {
            var keyed = false
            var changed = false
            if let snapshot = sources.snapshot?(), snapshot.generation != snapshotGeneration {
                snapshotGeneration = snapshot.generation
                if perform(app.handle(.snapshot(snapshot), at: now())) { return app }
                changed = true
            }
            if let system = sources.system?(), system.generation != systemGeneration {
                systemGeneration = system.generation
                if perform(app.handle(.system(system.history), at: now())) { return app }
                changed = true
            }
            for event in jobs.take() {
                if perform(app.handle(event, at: now())) { return app }
                changed = true
            }
            for key in keys {
                if key == .resize { terminal.invalidate() }
                if perform(app.handle(.key(key), at: now())) { return app }
                keyed = true
            }
            keys.removeAll()
            let t = now()
            if let due = app.nextDeadline(), due <= t {
                if perform(app.handle(.tick, at: t)) { return app }
                changed = true
            }
            // Keys draw at once; data draws at most every `dataFrameInterval`.
            if keyed || lastCanvas == nil {
                draw()
                lastFrameAt = t
                pendingDataFrame = false
            } else if changed || pendingDataFrame {
                if let last = lastFrameAt, t - last < dataFrameInterval {
                    pendingDataFrame = true
                } else {
                    draw()
                    lastFrameAt = t
                    pendingDataFrame = false
                }
            }
            var deadline = app.nextDeadline()
            if pendingDataFrame, let last = lastFrameAt {
                deadline = min(deadline ?? .seconds(Int64.max / 2), last + dataFrameInterval)
            }
            keys = terminal.waitForKeys(timeout: deadline.map { max(.zero, $0 - now()) })
        }
        return app
    }

    /// Renders the app at the terminal's size and presents it when it differs from the last frame.
    private func draw() {
        let canvas = app.draw(width: terminal.width, height: terminal.height)
        renders += 1
        guard canvas != lastCanvas else { return }
        lastCanvas = canvas
        terminal.present(canvas)
        frames += 1
    }

    /// Carries out effects; true when one of them quits.
    private func perform(_ effects: [Effect]) -> Bool {
        for effect in effects {
            switch effect {
            case .quit:
                return true
            case .run(let job):
                jobs.start(job)
            case .repaint:
                terminal.invalidate()
                lastCanvas = nil
            case .save, .export, .setEvent, .keepLatencyFields:
                host?.perform(effect, jobs: jobs)
            }
        }
        return false
    }

    /// After the loop: waits for jobs of `key` (a save typed just before `q`) and hands their results to the
    /// app, so that what they said can be repeated after the screen closes.
    public func finish(_ key: String, timeout: Duration = .seconds(600)) async {
        await jobs.wait(for: key, timeout: timeout)
        for event in jobs.take() { _ = app.handle(event, at: now()) }
    }
}
