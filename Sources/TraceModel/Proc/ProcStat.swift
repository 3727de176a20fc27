/// One CPU's line of `/proc/stat`, in clock ticks (USER_HZ). Fields a kernel does not print stay 0.
public struct CPUTimes: Sendable, Equatable {
    public var user: UInt64 = 0, nice: UInt64 = 0, system: UInt64 = 0, idle: UInt64 = 0
    public var iowait: UInt64 = 0, irq: UInt64 = 0, softirq: UInt64 = 0, steal: UInt64 = 0
    public var guest: UInt64 = 0, guestNice: UInt64 = 0

    public init() {}

    /// The fields in the kernel's order.
    public var fields: [UInt64] {
        get { [user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice] }
        set {
            let v = newValue + Array(repeating: 0, count: max(0, 10 - newValue.count))
            (user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice) =
                (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9])
        }
    }
}

/// `/proc/stat`: the total and per-CPU times, and the system counters.
public struct ProcStat: Sendable, Equatable {
    public var total = CPUTimes()
    /// Online CPUs by number (an offline CPU has no line, so the numbers can have gaps).
    public var cpus: [(id: Int, times: CPUTimes)] = []
    public var contextSwitches: UInt64 = 0
    public var interrupts: UInt64 = 0
    public var forks: UInt64 = 0
    public var procsRunning: UInt64 = 0
    public var procsBlocked: UInt64 = 0

    public init() {}

    public static func == (a: ProcStat, b: ProcStat) -> Bool {
        a.total == b.total && a.cpus.map(\.id) == b.cpus.map(\.id) && a.cpus.map(\.times) == b.cpus.map(\.times)
            && a.contextSwitches == b.contextSwitches && a.interrupts == b.interrupts && a.forks == b.forks
            && a.procsRunning == b.procsRunning && a.procsBlocked == b.procsBlocked
    }

    public static func parse(_ text: ProcText) -> ProcStat {
        var s = ProcStat()
        text.forEachLine { t in
            if text.token(t[0], hasPrefix: "cpu") {
                // Old kernels print 4, 7 or 8 fields; missing ones read as 0.
                var c = CPUTimes()
                c.fields = t.dropFirst().prefix(10).map { text.uint($0) ?? 0 }
                if t[0].count == 3 {
                    s.total = c
                } else if let id = text.uint(t[0].dropFirst(3)), let cpu = Int(exactly: id) {
                    s.cpus.append((cpu, c))
                }
            } else if t.count >= 2 {
                let v = text.uint(t[1]) ?? 0
                if text.token(t[0], is: "ctxt") { s.contextSwitches = v }
                else if text.token(t[0], is: "intr") { s.interrupts = v }
                else if text.token(t[0], is: "processes") { s.forks = v }
                else if text.token(t[0], is: "procs_running") { s.procsRunning = v }
                else if text.token(t[0], is: "procs_blocked") { s.procsBlocked = v }
            }
        }
        return s
    }
}
