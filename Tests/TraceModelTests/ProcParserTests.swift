import Testing
import TraceModel

/// The /proc parsers on files captured from a real machine and on generated edge cases.
@Suite("Proc parsers")
struct ProcParserTests {
    @Test func statOfThisMachine() throws {
        let s = try ProcFixture.parse("this-machine/stat", ProcStat.parse)
        #expect(s.total.fields == [512312, 61, 144636, 1061409, 3505, 0, 1295, 3699, 0, 0])
        #expect(s.cpus.map(\.id) == [0, 1])
        #expect(s.cpus[1].times.fields == [285186, 30, 40189, 532313, 2695, 0, 791, 1884, 0, 0])
        #expect(s.contextSwitches == 4_108_879 && s.interrupts == 3_791_046 && s.forks == 89605)
        #expect(s.procsRunning == 11 && s.procsBlocked == 0)
    }

    @Test func statOf128CPUsWithOneOffline() throws {
        let s = try ProcFixture.parse("big-machine/stat", ProcStat.parse)
        // Given cpuN's rule from make-proc-fixtures.py, and cpu64 offline
        #expect(s.cpus.count == 127)
        #expect(!s.cpus.contains { $0.id == 64 })
        let c127 = try #require(s.cpus.first { $0.id == 127 })
        let expected: [UInt64] = [1127, 127, 754, 90127, 1, 3, 2, 1, 0, 0]  // 127 % 7, 3, 127 % 5, 127 % 3
        #expect(c127.times.fields == expected)
        let ids = (0..<128).filter { $0 != 64 }
        #expect(s.total.user == UInt64(ids.reduce(0) { $0 + 1000 + $1 }))
        #expect(s.total.idle == UInt64(ids.reduce(0) { $0 + 90000 + $1 }))
        #expect(s.contextSwitches == 123_456_789_012 && s.forks == 4242)
        #expect(s.procsRunning == 17 && s.procsBlocked == 3)
    }

    @Test func statOfAnOldKernelLeavesMissingFieldsAtZero() throws {
        let s = try ProcFixture.parse("old-kernel/stat", ProcStat.parse)
        #expect(s.total.fields == [100, 2, 30, 400, 5, 6, 7, 0, 0, 0])
        #expect(s.cpus.count == 2)
        #expect(s.procsRunning == 2 && s.procsBlocked == 0 && s.contextSwitches == 9000)
    }

    @Test func meminfoOfThisMachineInBytes() throws {
        let m = try ProcFixture.parse("this-machine/meminfo", MemInfo.parse)
        #expect(m.total == 24_683_656 * 1024)
        #expect(m.available == 23_925_652 * 1024)
        #expect(m.dirty == 22588 * 1024)
        // used = total - free - buffers - (cached + sreclaimable - shmem), as free(1) counts it
        let expectedUsed: UInt64 = (24_683_656 - 21_799_232 - 15548 - (2_270_724 + 135_220 - 8952)) * 1024
        #expect(m.used == expectedUsed)
        #expect(m.swapTotal == 0 && m.swapUsed == 0)
    }

    @Test func meminfoOfAnOldKernelHasNoAvailable() throws {
        let m = try ProcFixture.parse("old-kernel/meminfo", MemInfo.parse)
        #expect(m.available == nil && m.reclaimable == nil)
        #expect(m.total == 1_024_000 * 1024)
        #expect(m.swapUsed == 60000 * 1024)
        #expect(m.used == (1_024_000 - 512_000 - 10000 - 200_000) * 1024)
    }

    @Test func diskstatsSkipsPartitionsAndIdleLoopDevices() throws {
        let real = try ProcFixture.parse("this-machine/diskstats") { DiskStats.parse($0) }
        #expect(real.map(\.name) == ["vda"], "loop0-7 and zram0 never did I/O")
        #expect(real[0].reads == 318_626 && real[0].readSectors == 43_739_930 && real[0].busyMilliseconds == 72632)
        #expect(real[0].writes == 92445 && real[0].writeSectors == 16_446_976 && real[0].writeMilliseconds == 154_038)

        let odd = try ProcFixture.parse("odd-names/diskstats") { DiskStats.parse($0) }
        #expect(odd.map(\.name) == ["loop1", "nvme0n1", "sda", "mmcblk0", "xvda", "dm-0", "md127",
                                    "a-very-long-device-mapper-name01"])
        let all = try ProcFixture.parse("odd-names/diskstats") { DiskStats.parse($0, includeAll: true) }
        #expect(all.count == 14)
    }

    @Test func diskstatsOfAnOldKernel() throws {
        let d = try ProcFixture.parse("old-kernel/diskstats") { DiskStats.parse($0, includeAll: true) }
        #expect(d.map(\.name) == ["hda", "hda1", "sdb"])
        #expect(d[0].reads == 446_216 && d[0].readSectors == 9_550_688 && d[0].busyMilliseconds == 3_376_340)
        // The short partition form: reads, read sectors, writes, write sectors
        #expect(d[1].reads == 35486 && d[1].readSectors == 38030 && d[1].writes == 38030 && d[1].writeSectors == 38030)
    }

    @Test(arguments: [("sda1", true), ("sda", false), ("nvme0n1p2", true), ("nvme0n1", false), ("mmcblk0p1", true),
                      ("xvdb3", true), ("vdaa1", true), ("md127", false), ("dm-3", false), ("loop7", false)])
    func partitionNames(_ name: String, _ partition: Bool) {
        #expect(DiskStats.isPartition(name) == partition)
    }

    @Test func netDevOfThisMachine() throws {
        let n = try ProcFixture.parse("this-machine/net-dev", NetDev.parse)
        #expect(n.map(\.name) == ["lo", "ifb0", "ifb1", "eth0"])
        #expect(n[3].rxBytes == 11_920_933 && n[3].rxPackets == 645 && n[3].txBytes == 49255 && n[3].txPackets == 599)
    }

    @Test func netDevWithLongNamesAndGluedCounters() throws {
        let n = try ProcFixture.parse("odd-names/net-dev", NetDev.parse)
        #expect(n.map(\.name) == ["lo", "enp0s31f6", "veth0123456789a"])
        #expect(n[1].fields == [5_000_000, 4000, 1, 2, 6_000_000, 5000, 4, 5])
        #expect(n[2].rxBytes == 18_446_744_073_709_551_000 && n[2].txBytes == 4_294_967_290)
    }

    @Test func loadavgVmstatAndPressure() throws {
        let l = try ProcFixture.parse("this-machine/loadavg", LoadAvg.parse)
        #expect(l.one == 387 && l.five == 364 && l.fifteen == 247 && l.running == 10 && l.total == 190)
        let v = try ProcFixture.parse("this-machine/vmstat", VMStat.parse)
        #expect(v.pageFaults == 327_627_559 && v.majorFaults == 26632 && v.swapIn == 0 && v.swapOut == 0)
        let p = try ProcFixture.parse("this-machine/pressure-io", Pressure.parse)
        #expect(p.some.avg10 == 51 && p.some.avg60 == 41 && p.some.avg300 == 54 && p.some.totalMicroseconds == 33_184_719)
        #expect(p.full?.avg60 == 5 && p.full?.totalMicroseconds == 23_340_115)
        // cpu pressure before 5.13 has no `full` line
        let old = Array("some avg10=1.50 avg60=0.00 avg300=0.00 total=12\n".utf8).withProcText(Pressure.parse)
        #expect(old.full == nil && old.some.avg10 == 150)
    }

    @Test func garbageNeverCrashes() {
        for text in ["", "\n\n", "cpu", "cpu0 x y z", "intr", "ctxt -5", "MemTotal:", "  8 0", "lo:", "1.2.3 4",
                     "some avg10=", String(repeating: "9", count: 40)] {
            let b = Array(text.utf8)
            _ = b.withProcText(ProcStat.parse)
            _ = b.withProcText(MemInfo.parse)
            _ = b.withProcText { DiskStats.parse($0) }
            _ = b.withProcText(NetDev.parse)
            _ = b.withProcText(LoadAvg.parse)
            _ = b.withProcText(VMStat.parse)
            _ = b.withProcText(Pressure.parse)
        }
    }
}
