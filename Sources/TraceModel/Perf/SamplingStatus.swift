/// A live sampler's state, for the status bar: what is sampled, how many samples, how many records lost.
public struct SamplingStatus: Sendable, Equatable {
    public var event = "cpu-clock"
    public var frequency = 99
    public var samples = 0
    public var samplesPerSecond = 0.0
    /// Records the kernel could not write into a full ring (`PERF_RECORD_LOST`).
    public var lost = 0
    public var running = true
    /// Sampling without tracepoints: the live status's losses are these.
    public var standalone = false

    public init(event: String = "cpu-clock", frequency: Int = 99) {
        self.event = event
        self.frequency = frequency
    }
}
