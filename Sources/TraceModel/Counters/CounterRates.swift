/// What two counter readings say about the interval between them: per event, the scaled count per second in
/// total and per CPU — the counters pane's numbers.
public struct CounterRates: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        /// Scaled count per second; nil when the event did not run in the interval ("<not counted>").
        public var perSecond: Double?
        /// Percent of the interval the event was on the PMU (below 100 when multiplexed).
        public var runningPercent: Double
    }

    public var seconds: Double
    /// The events asked for, in display order (unsupported ones included, with no rates).
    public var events: [CounterEvent]
    /// CPU numbers present in both readings, in order.
    public var cpus: [Int]
    /// The whole machine's rate per event; absent when the event is not supported.
    public var total: [CounterEvent: Rate]
    /// Per CPU (parallel to `cpus`) per event.
    public var perCPU: [CounterEvent: [Rate]]
    public var error: String?

    public init(seconds: Double = 0, events: [CounterEvent] = [], cpus: [Int] = [], total: [CounterEvent: Rate] = [:],
                perCPU: [CounterEvent: [Rate]] = [:], error: String? = nil) {
        self.seconds = seconds
        self.events = events
        self.cpus = cpus
        self.total = total
        self.perCPU = perCPU
        self.error = error
    }

    /// The rates from `old` to `new` over `seconds` of wall time. A CPU present in only one reading (it
    /// went offline) is left out, as in `ProcRates`.
    public init(from old: CounterReading, to new: CounterReading, seconds: Double) {
        self.init(seconds: seconds, events: new.events, error: new.error ?? old.error)
        guard seconds > 0 else { return }
        var oldIndex: [Int: Int] = [:]
        for (k, cpu) in old.cpus.enumerated() { oldIndex[cpu] = k }
        let pairs = new.cpus.enumerated().compactMap { k, cpu in oldIndex[cpu].map { (cpu, $0, k) } }
        cpus = pairs.map(\.0)
        for event in new.events {
            guard let newValues = new.values[event], let oldValues = old.values[event] else { continue }
            var sum = CounterValue()
            var rates: [Rate] = []
            for (_, o, n) in pairs where o < oldValues.count && n < newValues.count {
                let delta = newValues[n].since(oldValues[o])
                sum = sum + delta
                rates.append(Rate(perSecond: delta.scaled.map { $0 / seconds }, runningPercent: delta.runningPercent))
            }
            perCPU[event] = rates
            total[event] = Rate(perSecond: sum.scaled.map { $0 / seconds }, runningPercent: sum.runningPercent)
        }
    }

    /// Instructions per cycle over the whole machine; nil without both hardware events (or no cycles).
    public var ipc: Double? { Self.ipc(total[.instructions]?.perSecond, total[.cycles]?.perSecond) }

    /// Instructions per cycle on one CPU (an index into `cpus`).
    public func ipc(cpu k: Int) -> Double? {
        Self.ipc(perCPU[.instructions]?[safe: k]?.perSecond, perCPU[.cycles]?[safe: k]?.perSecond)
    }

    static func ipc(_ instructions: Double?, _ cycles: Double?) -> Double? {
        guard let instructions, let cycles, cycles > 0 else { return nil }
        return instructions / cycles
    }

    /// The events asked for that this machine does not have (shown once as `<not supported>`).
    public var unsupported: [CounterEvent] { events.filter { total[$0] == nil } }
}

extension Array {
    // fileprivate: a counters-only helper, not a module-wide addition.
    fileprivate subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
