/// What two samples say about the interval between them: per-second rates and CPU shares.
public struct ProcRates: Sendable, Equatable {
    /// CPU time shares in percent of the interval (each 0…100, summing to about 100).
    public struct CPU: Sendable, Equatable {
        public var user = 0.0, nice = 0.0, system = 0.0, idle = 0.0, iowait = 0.0
        public var irq = 0.0, softirq = 0.0, steal = 0.0, guest = 0.0
        public init() {}
        /// Everything but idle and iowait.
        public var busy: Double { max(0, min(100, user + nice + system + irq + softirq + steal)) }
    }

    public struct Disk: Sendable, Equatable {
        public var name: String
        public var readBytes = 0.0, writeBytes = 0.0, reads = 0.0, writes = 0.0
        /// Percent of the interval with I/O in flight.
        public var utilization = 0.0
        /// Average time per completed I/O, in milliseconds.
        public var awaitMilliseconds = 0.0
    }

    public struct Net: Sendable, Equatable {
        public var name: String
        public var rxBytes = 0.0, txBytes = 0.0, rxPackets = 0.0, txPackets = 0.0
        public var errors = 0.0, drops = 0.0
    }

    public var seconds = 0.0
    public var total = CPU()
    /// CPUs online in both samples, by number.
    public var cpus: [(id: Int, cpu: CPU)] = []
    public var contextSwitches = 0.0, interrupts = 0.0, forks = 0.0
    public var disks: [Disk] = []
    public var nets: [Net] = []
    /// Bytes swapped in and out per second (dstat's paging group).
    public var swapIn = 0.0, swapOut = 0.0
    public var pageFaults = 0.0, majorFaults = 0.0
    /// The perf counters' rates over the interval, when both samples carry counters (or why there are none).
    public var counters: CounterRates?

    public init() {}

    public static func == (a: ProcRates, b: ProcRates) -> Bool {
        a.seconds == b.seconds && a.total == b.total && a.cpus.map(\.id) == b.cpus.map(\.id)
            && a.cpus.map(\.cpu) == b.cpus.map(\.cpu) && a.disks == b.disks && a.nets == b.nets
            && a.contextSwitches == b.contextSwitches && a.interrupts == b.interrupts && a.forks == b.forks
            && a.swapIn == b.swapIn && a.swapOut == b.swapOut && a.counters == b.counters
    }

    /// Sums of the disks (without partitions, dm and md devices) and the interfaces (without `lo`).
    public var diskTotal: Disk {
        var t = Disk(name: "total")
        for d in disks where !DiskStats.isAggregate(d.name) {
            t.readBytes += d.readBytes; t.writeBytes += d.writeBytes; t.reads += d.reads; t.writes += d.writes
            t.utilization = max(t.utilization, d.utilization)
        }
        return t
    }

    public var netTotal: Net {
        var t = Net(name: "total")
        for n in nets where !NetDev.isLoopback(n.name) {
            t.rxBytes += n.rxBytes; t.txBytes += n.txBytes; t.rxPackets += n.rxPackets; t.txPackets += n.txPackets
            t.errors += n.errors; t.drops += n.drops
        }
        return t
    }

    /// The rates from `old` to `new`. `pageSize` converts swapped pages to bytes.
    public init(from old: ProcSample, to new: ProcSample, pageSize: Int = 4096) {
        // In Double: two times read from a damaged sidecar may be apart by more than Int64 holds.
        let seconds = (Double(new.monotonic) - Double(old.monotonic)) / 1e9
        guard seconds > 0 else { return }
        self.seconds = seconds
        func rate(_ a: UInt64, _ b: UInt64) -> Double { Double(counterDelta(a, b)) / seconds }
        total = Self.shares(old.stat.total, new.stat.total)
        var oldCPUs: [Int: CPUTimes] = [:]
        for c in old.stat.cpus { oldCPUs[c.id] = c.times }
        cpus = new.stat.cpus.compactMap { c in oldCPUs[c.id].map { (c.id, Self.shares($0, c.times)) } }
        contextSwitches = rate(old.stat.contextSwitches, new.stat.contextSwitches)
        interrupts = rate(old.stat.interrupts, new.stat.interrupts)
        forks = rate(old.stat.forks, new.stat.forks)
        let page = Double(pageSize)
        swapIn = rate(old.vm.swapIn, new.vm.swapIn) * page
        swapOut = rate(old.vm.swapOut, new.vm.swapOut) * page
        pageFaults = rate(old.vm.pageFaults, new.vm.pageFaults)
        majorFaults = rate(old.vm.majorFaults, new.vm.majorFaults)
        if let c = new.counters {
            counters = old.counters.map { CounterRates(from: $0, to: c, seconds: seconds) }
                ?? CounterRates(events: c.events, error: c.error)
        }

        var oldDisks: [String: DiskCounters] = [:]
        for d in old.disks { oldDisks[d.name] = d }
        disks = new.disks.map { d in
            var r = Disk(name: d.name)
            guard let o = oldDisks[d.name] else { return r }
            // Sectors are 512 bytes whatever the device's block size.
            r.readBytes = rate(o.readSectors, d.readSectors) * 512
            r.writeBytes = rate(o.writeSectors, d.writeSectors) * 512
            // Summed in Double: the deltas of damaged input can pass UInt64 together.
            let ios = Double(counterDelta(o.reads, d.reads)) + Double(counterDelta(o.writes, d.writes))
            r.reads = rate(o.reads, d.reads)
            r.writes = rate(o.writes, d.writes)
            let busy = Double(counterDelta(o.busyMilliseconds, d.busyMilliseconds))
            r.utilization = min(100, busy / (seconds * 10))
            let wait = Double(counterDelta(o.readMilliseconds, d.readMilliseconds))
                + Double(counterDelta(o.writeMilliseconds, d.writeMilliseconds))
            r.awaitMilliseconds = ios > 0 ? wait / ios : 0
            return r
        }
        var oldNets: [String: NetCounters] = [:]
        for n in old.nets { oldNets[n.name] = n }
        nets = new.nets.map { n in
            var r = Net(name: n.name)
            guard let o = oldNets[n.name] else { return r }
            r.rxBytes = rate(o.rxBytes, n.rxBytes)
            r.txBytes = rate(o.txBytes, n.txBytes)
            r.rxPackets = rate(o.rxPackets, n.rxPackets)
            r.txPackets = rate(o.txPackets, n.txPackets)
            r.errors = rate(o.rxErrors, n.rxErrors) + rate(o.txErrors, n.txErrors)
            r.drops = rate(o.rxDrops, n.rxDrops) + rate(o.txDrops, n.txDrops)
            return r
        }
    }

    /// Shares of the ticks between two reads of one CPU line. A CPU whose counters went backwards (offline
    /// and back) has no valid interval: all zero, rather than a negative share.
    static func shares(_ a: CPUTimes, _ b: CPUTimes) -> CPU {
        var c = CPU()
        let af = a.fields, bf = b.fields
        guard !zip(af, bf).contains(where: { $0.0 > $0.1 }) else { return c }
        // guest time is already inside user (and guest_nice inside nice): not added twice; `guest` says
        // how much of user+nice it was.
        let d = zip(af, bf).map { Double($0.1 - $0.0) }
        let ticks = d[0...7].reduce(0, +)
        guard ticks > 0 else { return c }
        func pct(_ v: Double) -> Double { min(100, v * 100 / ticks) }
        c.user = pct(d[0])
        c.nice = pct(d[1])
        c.system = pct(d[2]); c.idle = pct(d[3]); c.iowait = pct(d[4])
        c.irq = pct(d[5]); c.softirq = pct(d[6]); c.steal = pct(d[7])
        c.guest = pct(d[8] + d[9])
        return c
    }
}
