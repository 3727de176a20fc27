import Testing
import TraceModel

/// Rates between two samples with known differences, and the counters that misbehave.
@Suite("Proc rates")
struct ProcRatesTests {
    /// Two samples 2 s apart: CPU0 +50 user +25 system +20 idle +5 iowait ticks (of 100), CPU1 idle only.
    static func pair() -> (ProcSample, ProcSample) {
        var a = ProcSample(), b = ProcSample()
        a.monotonic = 10_000_000_000
        b.monotonic = 12_000_000_000
        var c0 = CPUTimes(), c1 = CPUTimes()
        c0.fields = [1000, 0, 500, 9000, 100, 0, 0, 0, 0, 0]
        c1.fields = [10, 0, 10, 100, 0, 0, 0, 0, 0, 0]
        a.stat.cpus = [(0, c0), (1, c1)]
        var d0 = c0, d1 = c1
        d0.user += 50; d0.system += 25; d0.idle += 20; d0.iowait += 5
        d1.idle += 100
        b.stat.cpus = [(0, d0), (1, d1)]
        a.stat.total.fields = zip(c0.fields, c1.fields).map { $0 + $1 }
        b.stat.total.fields = zip(d0.fields, d1.fields).map { $0 + $1 }
        a.stat.contextSwitches = 1_000; b.stat.contextSwitches = 3_000
        a.stat.interrupts = 500; b.stat.interrupts = 900
        var disk = DiskCounters(name: "sda")
        disk.fields = [10, 100, 40, 20, 200, 60, 1000]
        a.disks = [disk]
        disk.fields = [30, 2148, 80, 40, 4296, 100, 1500]
        b.disks = [disk]
        var eth = NetCounters(name: "eth0"), lo = NetCounters(name: "lo")
        eth.fields = [4_294_967_000, 10, 0, 0, 1000, 10, 0, 0]
        lo.fields = [0, 0, 0, 0, 0, 0, 0, 0]
        a.nets = [lo, eth]
        eth.fields = [704, 20, 0, 2, 201_000, 30, 0, 0]
        lo.fields = [1_000_000, 5, 0, 0, 1_000_000, 5, 0, 0]
        b.nets = [lo, eth]
        a.vm.swapIn = 100; b.vm.swapIn = 150
        return (a, b)
    }

    @Test func cpuSharesAreTheTickDifferences() {
        let (a, b) = Self.pair()
        let r = ProcRates(from: a, to: b)
        #expect(r.seconds == 2)
        let c0 = r.cpus[0].cpu
        #expect(c0.user == 50 && c0.system == 25 && c0.idle == 20 && c0.iowait == 5)
        #expect(c0.busy == 75)
        #expect(r.cpus[1].cpu.idle == 100 && r.cpus[1].cpu.busy == 0)
        // Total: 200 ticks, of which 50 user, 25 system, 120 idle, 5 iowait
        #expect(r.total.user == 25 && r.total.system == 12.5 && r.total.idle == 60 && r.total.iowait == 2.5)
    }

    @Test func countersBecomePerSecondRates() {
        let (a, b) = Self.pair()
        let r = ProcRates(from: a, to: b)
        #expect(r.contextSwitches == 1000 && r.interrupts == 200)
        let d = r.disks[0]
        // 2048 sectors of 512 bytes in 2 s, 20 reads and 20 writes
        #expect(d.readBytes == 524_288 && d.writeBytes == 1_048_576)
        #expect(d.reads == 10 && d.writes == 10)
        #expect(d.utilization == 25, "500 ms busy of 2000")
        #expect(d.awaitMilliseconds == 2, "80 ms of waits over 40 I/Os")
        #expect(r.swapIn == 50 * 4096 / 2)
    }

    @Test func a32BitWrapIsUnwrappedAndLoopbackIsNotInTheTotal() {
        let (a, b) = Self.pair()
        let r = ProcRates(from: a, to: b)
        let eth = r.nets[1]
        // 4294967000 → 704 across 2^32: 296 + 704 = 1000 bytes in 2 s
        #expect(eth.rxBytes == 500)
        #expect(eth.txBytes == 100_000 && eth.drops == 1)
        #expect(r.netTotal.rxBytes == 500, "lo's megabyte is left out")
    }

    @Test func aCounterThatGoesBackIsNoChange() {
        #expect(counterDelta(10, 15) == 5)
        #expect(counterDelta(UInt64(UInt32.max) - 1, 3) == 5)
        #expect(counterDelta(1 << 40, 7) == 0, "a reset 64-bit counter, not a wrap")
        #expect(counterDelta(1_000_000, 10) == 0, "a small counter that restarted (interface re-created), not a wrap")
        #expect(counterDelta(18_446_744_073_709_551_000, 100) == 0)
    }

    @Test func aCPUThatWentOfflineOrCameBackNeverGivesNegativeShares() {
        var (a, b) = Self.pair()
        // CPU1 went offline in b; CPU0 went offline and came back with counters restarted from 0
        b.stat.cpus.removeLast()
        var restarted = CPUTimes()
        restarted.fields = [5, 0, 5, 10, 0, 0, 0, 0, 0, 0]
        b.stat.cpus[0].times = restarted
        let r = ProcRates(from: a, to: b)
        #expect(r.cpus.map(\.id) == [0])
        let c = r.cpus[0].cpu
        #expect([c.user, c.system, c.idle, c.iowait, c.busy].allSatisfy { $0 >= 0 && $0 <= 100 })
        #expect(c.busy == 0)
        // and the total, which went backwards too, is all zero rather than negative
        #expect([r.total.user, r.total.system, r.total.idle].allSatisfy { $0 >= 0 && $0 <= 100 })
    }

    @Test func samplesOutOfOrderOrAtTheSameTimeGiveNoRates() {
        let (a, b) = Self.pair()
        let r = ProcRates(from: b, to: a)
        #expect(r.seconds == 0 && r.contextSwitches == 0 && r.cpus.isEmpty)
        var h = ProcHistory()
        h.append(b)
        h.append(a)
        #expect(h.count == 1, "an older sample after a newer one is dropped")
    }

    @Test func historyFindsTheSampleAtATime() {
        let (a, b) = Self.pair()
        let h = ProcHistory([b, a])
        #expect(h.index(atOrBefore: 9_000_000_000) == nil)
        #expect(h.index(atOrBefore: 10_000_000_000) == 0)
        #expect(h.index(atOrBefore: 11_999_999_999) == 0)
        #expect(h.index(atOrBefore: 50_000_000_000) == 1)
        #expect(h.series(endingAt: 1, count: 10) { $0.contextSwitches } == [1000])
    }

    @Test func sidecarRoundTripsEverySample() throws {
        var (a, b) = Self.pair()
        a.memory = try ProcFixture.parse("old-kernel/meminfo", MemInfo.parse)
        b.memory = try ProcFixture.parse("this-machine/meminfo", MemInfo.parse)
        b.load = try ProcFixture.parse("this-machine/loadavg", LoadAvg.parse)
        b.vm = try ProcFixture.parse("this-machine/vmstat", VMStat.parse)
        b.pressure = ["io": try ProcFixture.parse("this-machine/pressure-io", Pressure.parse),
                      "cpu": Array("some avg10=1.50 avg60=0.00 avg300=0.00 total=12\n".utf8).withProcText(Pressure.parse)]
        b.realtime = 1_795_000_000_123_000_000
        let text = ProcSidecar.header(pageSize: 16384) + ProcSidecar.encode(a) + ProcSidecar.encode(b)
        let decoded = try #require(Array(text.utf8).withUnsafeBytes { ProcSidecar.decode($0) })
        #expect(decoded.pageSize == 16384)
        #expect(decoded.samples == [a, b])
        #expect(Array("not a sidecar\nT 1 2\n".utf8).withUnsafeBytes { ProcSidecar.decode($0) } == nil)
    }

    @Test func dstatTableHasTheFamiliarHeader() {
        #expect(DstatTable.titleLine() == "--total-cpu-usage-- -dsk/total- -net/total- ---paging-- ---system--")
        #expect(DstatTable.namesLine() == "usr sys idl wai stl| read  writ| recv  send|   in   out|  int   csw")
        let (a, b) = Self.pair()
        let row = DstatTable.row(ProcRates(from: a, to: b))
        // 12.5 % and 2.5 % round up; 500 B/s received, 100,000 B/s sent (98K); 25 swapped pages/s of 4 KiB
        #expect(row == " 25  13  60   3   0| 512K 1024K| 500B   98K| 100K     0|  200  1000")
        #expect(row.count == DstatTable.namesLine().count)
    }

    @Test func unitsScale() {
        #expect(UnitFormat.bytes(0) == "0")
        #expect(UnitFormat.bytes(512) == "512B")
        #expect(UnitFormat.bytes(12 * 1024) == "12K")
        #expect(UnitFormat.bytes(1.5 * 1024 * 1024) == "1536K", "dstat's five columns keep four digits")
        #expect(UnitFormat.bytes(1.5 * 1024 * 1024, width: 4) == "1.5M")
        #expect(UnitFormat.bytes(3 * 1024 * 1024 * 1024, width: 4) == "3.0G")
        #expect(UnitFormat.bytes(2329 * 1024 * 1024, width: 4) == "2.3G")
        #expect(UnitFormat.count(712) == "712")
        #expect(UnitFormat.count(123_456) == "123k")
        #expect(UnitFormat.count(-5) == "0")
        #expect(UnitFormat.percent(12.5) == "13" || UnitFormat.percent(12.5) == "12")
        #expect(DstatTable.decimal(2.5) == "2.50" && DstatTable.decimal(0.05) == "0.05")
    }
}
