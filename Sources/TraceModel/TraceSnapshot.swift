/// What the UI reads each frame: the store as it is now and how far loading has come.
public struct TraceSnapshot: Sendable {
    public var source: String
    public var store: EventStore
    public var progress: LoadProgress
    /// A failure after the source opened (the UI shows it in the status bar).
    public var error: String?
    /// Bumped on every publish, so views can tell whether anything changed.
    public var generation: Int
    /// The function_graph calls of the whole trace, built by the capture actor once loading ends
    /// (nil before that, and for traces without function_graph lines); live, again as calls arrive.
    public var callTree: CallTree? { didSet { callTreeVersion += 1 } }
    /// Bumped whenever `callTree` is set, so a view can tell a new tree without comparing calls.
    public private(set) var callTreeVersion = 0
    /// Set while a live capture feeds the store (nil for files).
    public var live: LiveStatus?
    /// Set while perf_event sampling feeds the store (its samples are perf script rows).
    public var sampling: SamplingStatus?
    /// `--host`: each remote host's /proc samples, on the viewer's clock (the system panes of that host).
    public var hostSystems: [String: ProcHistory] = [:]

    public init(source: String, store: EventStore = EventStore(), progress: LoadProgress = LoadProgress(),
                error: String? = nil, generation: Int = 0) {
        self.source = source
        self.store = store
        self.progress = progress
        self.error = error
        self.generation = generation
    }
}

/// Loading progress of a finite source (a file), with a rate for the progress bar.
public struct LoadProgress: Sendable, Equatable {
    public var bytesDone: Int = 0
    public var bytesTotal: Int = 0
    public var seconds: Double = 0
    public var finished = false

    public init(bytesDone: Int = 0, bytesTotal: Int = 0, seconds: Double = 0, finished: Bool = false) {
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.seconds = seconds
        self.finished = finished
    }

    public var fraction: Double { bytesTotal > 0 ? Double(bytesDone) / Double(bytesTotal) : 1 }
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytesDone) / seconds : 0 }
    public var secondsLeft: Double? {
        let rate = bytesPerSecond
        guard rate > 0, !finished else { return nil }
        return Double(bytesTotal - bytesDone) / rate
    }
}
