/// What `tracetui report` (and the hotspot view's print) adds to the table as perf report does: the callchains
/// under each entry, `--percent-limit`, and the header's event names, lost samples and time slice.
public struct ReportOptions: Sendable {
    public var limit: Int?
    public var title: String?
    /// Entries under this percent (children, or self without children) are left out; also the callchains'
    /// threshold when set, as in perf.
    public var percentLimit: Double?
    /// Callchains under each entry, in this order (nil: none, perf's `-g none`).
    public var callchain: PerfCallchain.Order?
    /// perf's call-graph threshold (`-g graph,0.5`).
    public var callchainThreshold = 0.5
    /// The samples the table was built from (the callchains are read from them).
    public var samples: StackSamples?
    /// Lost samples, for perf's `# Total Lost Samples:` line.
    public var lostSamples: Int?
    /// The samples column (perf's `-n`); perf leaves it out by default.
    public var showSamples = true
    /// perf's `--time` argument, echoed in the header as perf does.
    public var timeSlice: String?

    public init(limit: Int? = nil, title: String? = nil) {
        self.limit = limit
        self.title = title
    }

    /// The callchains' threshold: `--percent-limit` when given, as perf does.
    public var chainThreshold: Double { percentLimit ?? callchainThreshold }
}
