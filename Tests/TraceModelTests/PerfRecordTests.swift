import Testing
@testable import TraceModel

/// perf_event ring records taken apart from their bytes, put in one time order across CPUs, and samples
/// written as perf script text that reads back with the same totals.
@Suite("perf_event records")
struct PerfRecordTests {
    // MARK: - building records as the kernel lays them out

    static func header(_ type: UInt32, misc: UInt16, size: Int) -> [UInt8] {
        le(type) + le(misc) + le(UInt16(size))
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    /// IP, TID, TIME, CPU, PERIOD, CALLCHAIN (tracetui's sample_type).
    static func sample(time: UInt64, pid: UInt32, tid: UInt32, cpu: UInt32, chain: [UInt64]) -> [UInt8] {
        var body = le(chain.first ?? 0) + le(pid) + le(tid) + le(time) + le(cpu) + le(UInt32(0)) + le(UInt64(1_001_001))
        body += le(UInt64(chain.count))
        for a in chain { body += le(a) }
        return header(9, misc: 2, size: 8 + body.count) + body
    }

    /// The sample_id_all trailer: pid/tid, time, cpu/res.
    static func trailer(pid: UInt32, tid: UInt32, time: UInt64, cpu: UInt32) -> [UInt8] {
        le(pid) + le(tid) + le(time) + le(cpu) + le(UInt32(0))
    }

    static func padded(_ s: String) -> [UInt8] {
        var b = Array(s.utf8) + [0]
        while b.count % 8 != 0 { b.append(0) }
        return b
    }

    static func mmap2(time: UInt64, pid: UInt32, start: UInt64, length: UInt64, offset: UInt64, path: String, cpu: UInt32) -> [UInt8] {
        var body = le(pid) + le(pid) + le(start) + le(length) + le(offset)
        body += le(UInt32(8)) + le(UInt32(1)) + le(UInt64(1234)) + le(UInt64(0))  // maj, min, ino, ino_generation
        body += le(UInt32(5)) + le(UInt32(2))  // PROT_READ|PROT_EXEC, MAP_PRIVATE
        body += padded(path) + trailer(pid: pid, tid: pid, time: time, cpu: cpu)
        return header(10, misc: 2, size: 8 + body.count) + body
    }

    static func comm(time: UInt64, pid: UInt32, name: String, exec: Bool, cpu: UInt32) -> [UInt8] {
        let body = le(pid) + le(pid) + padded(name) + trailer(pid: pid, tid: pid, time: time, cpu: cpu)
        return header(3, misc: exec ? 1 << 13 : 0, size: 8 + body.count) + body
    }

    static func parse(_ bytes: [UInt8]) -> PerfRecord? {
        bytes.withUnsafeBytes { PerfRecord.parse($0) }
    }

    // MARK: - parsing

    @Test("A sample record gives its pid, tid, time, cpu, period and callchain")
    func samplesParse() throws {
        let chain: [UInt64] = [PerfRecord.contextUser, 0x401234, 0x401100]
        let r = try #require(Self.parse(Self.sample(time: 5_000, pid: 42, tid: 43, cpu: 1, chain: chain)))
        #expect(r.kind == .sample)
        #expect(r.pid == 42 && r.tid == 43 && r.cpu == 1 && r.time == 5_000 && r.period == 1_001_001)
        #expect(r.callchain == chain)
        #expect(r.cpuMode == 2)
    }

    @Test("mmap2 and comm records read their time and cpu from the sample_id_all trailer")
    func trailersGiveTime() throws {
        let m = try #require(Self.parse(Self.mmap2(time: 777, pid: 9, start: 0x1000, length: 0x2000, offset: 0x3000,
                                                   path: "/usr/bin/x", cpu: 3)))
        #expect(m.kind == .mmap2 && m.time == 777 && m.cpu == 3 && m.pid == 9)
        #expect(m.address == 0x1000 && m.length == 0x2000 && m.pageOffset == 0x3000 && m.inode == 1234)
        #expect(m.name == "/usr/bin/x" && m.protection & 4 != 0)
        let c = try #require(Self.parse(Self.comm(time: 888, pid: 9, name: "hop-spin", exec: true, cpu: 1)))
        #expect(c.kind == .comm && c.time == 888 && c.cpu == 1 && c.name == "hop-spin" && c.isExec)
    }

    @Test("Records of kinds tracetui does not use are skipped")
    func unknownKindsAreSkipped() {
        #expect(Self.parse(Self.header(5, misc: 0, size: 8)) == nil)  // PERF_RECORD_THROTTLE
    }

    // MARK: - ordering

    @Test("Records from two rings come out in time order; those newer than the cutoff wait for the next drain")
    func queueOrdersAcrossRingsAndHoldsNewer() {
        func rec(_ kind: PerfRecord.Kind, _ t: UInt64) -> PerfRecord {
            var r = PerfRecord(kind: kind)
            r.time = t
            return r
        }
        var q = PerfRecordQueue()
        // Ring 0 (samples) is read before ring 1, whose exec records are older.
        q.add([rec(.sample, 10), rec(.sample, 30)])
        q.add([rec(.comm, 5), rec(.mmap2, 6), rec(.sample, 40)])
        let first = q.take(upTo: 35)
        #expect(first.map(\.time) == [5, 6, 10, 30])
        #expect(first.map(\.kind) == [.comm, .mmap2, .sample, .sample])
        #expect(q.count == 1)
        // The next drain finds an older record in ring 0 than the one held.
        q.add(rec(.sample, 38))
        #expect(q.take(upTo: 100).map(\.time) == [38, 40])
        #expect(q.count == 0)
    }

    @Test("Records with the same time keep the order they were read in")
    func tiesKeepRingOrder() {
        var q = PerfRecordQueue()
        var a = PerfRecord(kind: .comm)
        a.time = 7
        var b = PerfRecord(kind: .mmap2)
        b.time = 7
        q.add([a, b])
        #expect(q.takeAll().map(\.kind) == [.comm, .mmap2])
    }

    // MARK: - perf script text

    @Test("Written samples read back as the same samples: comm, pid/tid, cpu, period, callchain")
    func writtenTextReadsBack() {
        var out: [UInt8] = []
        let frames = [
            PerfScriptWriter.Frame(address: 0x55d0c0a0b123, symbol: "tt_spin_leaf", offset: 0x13, dso: "/bin/spin"),
            PerfScriptWriter.Frame(address: 0x55d0c0a0b456, symbol: "tt_spin_outer", offset: 0x46, dso: "/bin/spin"),
            PerfScriptWriter.Frame(address: 0xffffffff81234567, symbol: "do_syscall_64", offset: 0x5c, dso: "[kernel.kallsyms]"),
            PerfScriptWriter.Frame(address: 0x1040, symbol: "[unknown]", offset: nil, dso: "[unknown]"),
        ]
        for i in 0..<3 {
            PerfScriptWriter.appendSample(to: &out, comm: i == 2 ? "a comm with spaces and 17+ chars" : "spin", pid: 100,
                                          tid: 101 + Int32(i), cpu: UInt32(i), timeNanoseconds: 20_976_936_463_000 + UInt64(i) * 1000,
                                          period: 1_001_001, event: "cpu-clock", frames: i == 1 ? [frames[3]] : frames)
        }
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("spin             100/101 [000] 20976.936463: 1001001 cpu-clock: \n\t    55d0c0a0b123 tt_spin_leaf+0x13 (/bin/spin)\n"))
        #expect(text.contains("\tffffffff81234567 do_syscall_64+0x5c ([kernel.kallsyms])\n"))
        #expect(text.contains("\t            1040 [unknown] ([unknown])\n"))
        #expect(looksLikePerfScript(out.withUnsafeBytes { $0 }))
        let store = EventStore(parsing: OwnedBytes(out))
        #expect(store.count == 3)
        #expect(store.summary.unparsed == 0)
        let samples = StackSamples(store: store)
        #expect(samples.count == 3)
        #expect(samples.weightsArePeriods)
        #expect(samples.totalWeight == 3 * 1_001_001)
        #expect(samples.frames(of: 0).map { samples.functionName(ofLocation: $0) } ==
                ["tt_spin_leaf", "tt_spin_outer", "do_syscall_64", "[unknown]"])
        #expect(samples.commNames.contains("a comm with spaces and 17+ chars"))
        #expect(store.row(2).cpu == 2)
    }
}
