/// One counter as `read(2)` returns it with `PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING`:
/// the count and how long the event was enabled and actually on the PMU.
public struct CounterValue: Sendable, Equatable {
    public var value: UInt64
    /// Nanoseconds the event was enabled.
    public var enabled: UInt64
    /// Nanoseconds it was scheduled on the counter hardware; less than `enabled` when events were multiplexed.
    public var running: UInt64

    public init(value: UInt64 = 0, enabled: UInt64 = 0, running: UInt64 = 0) {
        self.value = value
        self.enabled = enabled
        self.running = running
    }

    /// The count extrapolated to the whole enabled time, as perf does when events share the PMU
    /// (value × enabled / running); nil when the event never ran ("<not counted>").
    public var scaled: Double? {
        guard running > 0 else { return nil }
        if running >= enabled { return Double(value) }
        return Double(value) * Double(enabled) / Double(running)
    }

    /// The share of the enabled time the event was counted, in percent (100 unless multiplexed).
    public var runningPercent: Double {
        guard enabled > 0 else { return 100 }
        return min(100, Double(running) * 100 / Double(enabled))
    }

    /// The counts between two reads of the same event (the interval's value, enabled and running time),
    /// scaled like a whole reading: perf stat -I does the same with its deltas.
    public func since(_ old: CounterValue) -> CounterValue {
        CounterValue(value: counterDelta(old.value, value), enabled: counterDelta(old.enabled, enabled),
                     running: counterDelta(old.running, running))
    }

    public static func + (a: CounterValue, b: CounterValue) -> CounterValue {
        CounterValue(value: a.value &+ b.value, enabled: a.enabled &+ b.enabled, running: a.running &+ b.running)
    }
}

/// Every counter of one session read at one instant: per event, one value per CPU (system-wide) or a single
/// value (a command's, summed over its children by the kernel).
public struct CounterReading: Sendable, Equatable {
    /// The events asked for, in display order.
    public var events: [CounterEvent]
    /// CPU numbers, in the order of each event's values; `[-1]` when counting a task on any CPU.
    public var cpus: [Int]
    /// Values per event, parallel to `cpus`. An event asked for but absent here is not supported by this
    /// machine (no PMU for cycles in most VMs): printed `<not supported>` as perf does.
    public var values: [CounterEvent: [CounterValue]]
    /// Why nothing could be counted (perf_event_open not permitted…); nil when counting works.
    public var error: String?
    /// Events counted in user space only (`exclude_kernel`: perf_event_paranoid 2 without root), which perf
    /// stat names with `:u`.
    public var userSpaceOnly: Set<CounterEvent> = []

    public init(events: [CounterEvent] = [], cpus: [Int] = [], values: [CounterEvent: [CounterValue]] = [:],
                error: String? = nil) {
        self.events = events
        self.cpus = cpus
        self.values = values
        self.error = error
    }

    public func isSupported(_ event: CounterEvent) -> Bool { values[event] != nil }

    /// The event's name as perf stat prints it: `cycles`, or `cycles:u` when counted in user space only.
    public func name(_ event: CounterEvent) -> String { event.name + (userSpaceOnly.contains(event) ? ":u" : "") }

    /// The event's values summed over the CPUs; nil when not supported.
    public func total(_ event: CounterEvent) -> CounterValue? {
        values[event].map { $0.reduce(CounterValue(), +) }
    }
}
