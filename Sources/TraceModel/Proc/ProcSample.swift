/// Everything read from /proc at one instant, with the clocks it was read at.
public struct ProcSample: Sendable, Equatable {
    /// CLOCK_MONOTONIC in ns: the clock ftrace's default `local` clock follows, so trace timestamps and
    /// samples line up.
    public var monotonic: Int64 = 0
    /// CLOCK_REALTIME in ns, for the table's wall-clock column.
    public var realtime: Int64 = 0
    public var stat = ProcStat()
    public var memory = MemInfo()
    public var disks: [DiskCounters] = []
    public var nets: [NetCounters] = []
    public var load = LoadAvg()
    public var vm = VMStat()
    /// cpu, memory, io; nil when `/proc/pressure` is absent (kernels before 4.20 or PSI disabled).
    public var pressure: [String: Pressure]?
    /// perf_event_open counters read with the sample (live panes only: context switches, migrations, faults,
    /// cycles and instructions per CPU); nil when not counted.
    public var counters: CounterReading?
    /// The BPF programs and maps loaded at the sample (the BPF pane); nil when not listed.
    public var bpf: BpfInventory?

    public init() {}

    /// Parses each file's bytes; a file that could not be read is passed as nil and leaves its part empty.
    public static func parse(
        stat: UnsafeRawBufferPointer?, meminfo: UnsafeRawBufferPointer?, diskstats: UnsafeRawBufferPointer?,
        netdev: UnsafeRawBufferPointer?, loadavg: UnsafeRawBufferPointer?, vmstat: UnsafeRawBufferPointer?,
        pressure: [(String, UnsafeRawBufferPointer)] = []
    ) -> ProcSample {
        var s = ProcSample()
        if let stat { s.stat = ProcStat.parse(ProcText(stat)) }
        if let meminfo { s.memory = MemInfo.parse(ProcText(meminfo)) }
        if let diskstats { s.disks = DiskStats.parse(ProcText(diskstats)) }
        if let netdev { s.nets = NetDev.parse(ProcText(netdev)) }
        if let loadavg { s.load = LoadAvg.parse(ProcText(loadavg)) }
        if let vmstat { s.vm = VMStat.parse(ProcText(vmstat)) }
        if !pressure.isEmpty {
            var p: [String: Pressure] = [:]
            for (name, bytes) in pressure { p[name] = Pressure.parse(ProcText(bytes)) }
            s.pressure = p
        }
        return s
    }
}
