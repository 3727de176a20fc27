/// The state of a live capture, for the status bar: rate, losses (the kernel's and ours), evictions.
public struct LiveStatus: Sendable, Equatable {
    /// Events read from the kernel since the start.
    public var events = 0
    public var eventsPerSecond = 0.0
    /// Ring-buffer overwrites and drops the kernel counted (`per_cpu/cpuN/stats`).
    public var kernelOverrun = 0
    public var kernelDropped = 0
    /// Events the raw reader was told were missed (`missed_events`).
    public var missed = 0
    /// Oldest rows dropped to keep memory bounded (`--keep`).
    public var evicted = 0
    public var running = true
    /// Notes about flags the kernel refused.
    public var warnings: [String] = []
    /// The events enabled now, `system:event` (the picker's ticks).
    public var enabledEvents: [String] = []
    /// Every event the kernel offers, `system:event` (the picker's list).
    public var availableEvents: [String] = []
    /// The remote hosts of a capture over ssh (empty for this machine alone).
    public var hosts: [HostStatus] = []
    /// Rows of a host that came after later rows of the others were already shown (it reported more than the
    /// hold-back bound late): they stand out of time order in the stream.
    public var lateRows = 0

    public init() {}

    public var lost: Int { max(kernelOverrun + kernelDropped, missed) }
}
