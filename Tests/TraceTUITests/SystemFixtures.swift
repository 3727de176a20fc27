import TraceModel

/// A small, exactly known /proc history for the panes' tests: three samples one second apart (on the trace
/// fixture's clock, 1720.0 s on), two CPUs, one disk, two interfaces.
enum SystemFixtures {
    static func sample(_ k: Int, cpus: Int = 2) -> ProcSample {
        var s = ProcSample()
        s.monotonic = 1_719_500_000_000 + Int64(k) * 500_000_000
        s.realtime = 1_795_000_000_000_000_000 + Int64(k) * 500_000_000
        let step = UInt64(k)
        var total = CPUTimes()
        for c in 0..<cpus {
            var t = CPUTimes()
            // Each interval (50 ticks per CPU): CPU c spends 20+c ticks user, 10 system, 5 iowait, rest idle
            let u = UInt64(20 + c % 10), sy: UInt64 = 10, w: UInt64 = 5
            t.fields = [u * step, 0, sy * step, (50 - u - sy - w) * step, w * step, 0, 0, 0, 0, 0]
            s.stat.cpus.append((c, t))
            total.fields = zip(total.fields, t.fields).map { $0 + $1 }
        }
        s.stat.total = total
        s.stat.contextSwitches = 1000 * step
        s.stat.interrupts = 400 * step
        s.stat.procsRunning = 3
        s.memory.fields = [8 << 30, 2 << 30, 5 << 30, 256 << 20, 3 << 30, 0, 0, 1 << 20, 0, 0]
        var d = DiskCounters(name: "nvme0n1")
        d.fields = [10 * step, 2048 * step, 2 * step, 20 * step, 4096 * step, 4 * step, 100 * step]
        s.disks = [d]
        var eth = NetCounters(name: "eth0")
        eth.fields = [1_000_000 * step, 1000 * step, 0, 0, 500_000 * step, 800 * step, 0, 0]
        s.nets = [NetCounters(name: "lo"), eth]
        s.load.one = 152; s.load.five = 87; s.load.fifteen = 40
        return s
    }

    static func history(samples: Int = 4, cpus: Int = 2) -> ProcHistory {
        ProcHistory((0..<samples).map { sample($0, cpus: cpus) })
    }
}
