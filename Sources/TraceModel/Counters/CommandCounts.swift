/// The counters of one command run to completion (`tracetui stat -- COMMAND`), with its times and exit status.
public struct CommandCounts: Sendable, Equatable {
    /// The command as the user gave it.
    public var command: [String]
    /// The counters at the end: counting started at the command's exec and followed its children.
    public var reading: CounterReading
    /// Wall-clock time from starting the command to reaping it.
    public var elapsedNanoseconds: Int64
    /// CPU time of the command and its waited-for children (`wait4`'s rusage), in microseconds.
    public var userMicroseconds: Int64
    public var systemMicroseconds: Int64
    /// The command's exit code, or 128 + the signal that killed it (what a shell reports).
    public var exitStatus: Int32

    public init(command: [String], reading: CounterReading, elapsedNanoseconds: Int64, userMicroseconds: Int64 = 0,
                systemMicroseconds: Int64 = 0, exitStatus: Int32 = 0) {
        self.command = command
        self.reading = reading
        self.elapsedNanoseconds = elapsedNanoseconds
        self.userMicroseconds = userMicroseconds
        self.systemMicroseconds = systemMicroseconds
        self.exitStatus = exitStatus
    }

    /// The event's count scaled for multiplexing; nil when not supported or never counted.
    public func count(_ event: CounterEvent) -> Double? { reading.total(event)?.scaled }

    /// Seconds on a CPU by task-clock (perf's denominator for "/sec" and "CPUs utilized").
    public var taskClockSeconds: Double? { count(.taskClock).map { $0 / 1e9 } }

    /// Instructions per cycle; nil without both hardware counters.
    public var ipc: Double? { CounterRates.ipc(count(.instructions), count(.cycles)) }
}
