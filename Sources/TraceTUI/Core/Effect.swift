import TraceModel

/// What handling an event asks the world to do. The app never does I/O and never starts a task: it returns
/// effects, the run loop starts jobs (`JobRunner`) and leaves the rest to the `AppHost` (files, the capture);
/// their outcomes come back as `AppEvent`s.
public enum Effect: Sendable {
    /// Work to do off the UI thread; its result comes back as the event the job returns.
    case run(Job)
    /// Live `w`: write the capture (and its /proc samples) to `path`; answered by `.saved`.
    case save(path: String, store: EventStore)
    /// `x`: write the chosen view; answered by `.exportProgress` and `.exportFinished`.
    case export(ExportRequest, store: EventStore, tree: CallTree?)
    /// The event picker turned a tracepoint on or off.
    case setEvent(name: String, enabled: Bool)
    /// Live, the latency view opened for the first time: the reader starts keeping the values it measures typed
    /// (`TraceApp+LatencyCapture`).
    case keepLatencyFields
    /// Ctrl-L: repaint every cell, whatever the terminal is thought to show.
    case repaint
    case quit
}

extension [Effect] {
    /// Whether the effects end the session.
    public var quits: Bool {
        contains { if case .quit = $0 { return true } else { return false } }
    }

    /// The jobs among the effects.
    public var jobs: [Job] {
        compactMap { if case .run(let job) = $0 { return job } else { return nil } }
    }
}

/// A piece of work for a background task: it gets a `JobControl` (cancellation, progress) and returns the
/// event that delivers its result. A newer job with the same key replaces (and cancels) the older one, whose
/// result is then dropped: only the newest answer to a question reaches the app.
public struct Job: Sendable {
    public var key: String
    public var work: @Sendable (JobControl) async -> AppEvent

    public init(key: String, work: @escaping @Sendable (JobControl) async -> AppEvent) {
        self.key = key
        self.work = work
    }
}

/// What a running job may do besides returning: check whether it was cancelled, and report progress (only
/// the newest report not yet taken is kept).
public struct JobControl: Sendable {
    let report: @Sendable (AppEvent) -> Void

    public init(report: @escaping @Sendable (AppEvent) -> Void) { self.report = report }

    public var isCancelled: Bool { Task.isCancelled }

    public func progress(_ event: AppEvent) { report(event) }
}
