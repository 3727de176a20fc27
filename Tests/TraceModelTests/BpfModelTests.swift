import Testing
@testable import TraceModel

/// The BPF inventory's rates, sidecar records and report, without a kernel.
struct BpfModelTests {
    static func inventory(at ms: Int64, runs: UInt64, ns: UInt64, tag: String = "85245b9791ed9889") -> BpfInventory {
        BpfInventory(monotonic: ms * 1_000_000, programs: [
            BpfProgram(id: 7, type: "tracepoint", name: "tt_openat", tag: tag, attach: ["tracepoint sys_enter_openat"],
                       loadedBy: BpfProcess(pid: 42, comm: "my loader"), runCount: runs, runTimeNs: ns, mapIDs: [3]),
            BpfProgram(id: 9, type: "kprobe", name: "other", tag: "00"),
        ], maps: [BpfMap(id: 3, type: "array", name: "tt_count", keySize: 4, valueSize: 8, maxEntries: 2, memoryBytes: 568)],
        statsEnabled: true)
    }

    @Test func rateIsTheShareOfACPUAndNanosecondsPerRunOverTheInterval() throws {
        // Given two inventories half a second apart, 1000 runs and 5 ms of run time between them
        let a = Self.inventory(at: 1000, runs: 500, ns: 1_000_000)
        let b = Self.inventory(at: 1500, runs: 1500, ns: 6_000_000)
        // Then the interval's rate is 1 % of a CPU, 5000 ns a run, 2000 runs a second
        let r = try #require(BpfRate.between(a, b, id: 7))
        #expect(r.runs == 1000 && r.runTimeNs == 5_000_000)
        #expect(abs(r.cpuPercent - 1.0) < 1e-9)
        #expect(r.nsPerRun == 5000)
        #expect(abs(r.runsPerSecond - 2000) < 1e-9)
        // and a program that did not run has no ns per run
        #expect(BpfRate.between(a, b, id: 9)?.nsPerRun == nil)
        // and one missing from either end has no rate
        #expect(BpfRate.between(a, b, id: 11) == nil)
    }

    @Test func countersThatGoDownOrAnotherProgramUnderTheIdAreNoRuns() throws {
        let a = Self.inventory(at: 0, runs: 500, ns: 9_000)
        #expect(BpfRate.between(a, Self.inventory(at: 1000, runs: 10, ns: 10), id: 7)?.runs == 0)
        #expect(BpfRate.between(a, Self.inventory(at: 1000, runs: 900, ns: 99_000, tag: "ff"), id: 7)?.runs == 0)
    }

    @Test func seriesGivesOneValuePerIntervalOldestFirst() {
        let invs: [BpfInventory?] = [Self.inventory(at: 0, runs: 0, ns: 0), nil, Self.inventory(at: 2000, runs: 10, ns: 20_000_000),
                                     Self.inventory(at: 3000, runs: 20, ns: 30_000_000)]
        let s = BpfRate.series(invs, endingAt: 3, count: 10, id: 7) { $0.cpuPercent }
        #expect(s.count == 3 && s[0] == 0 && s[1] == 0 && abs(s[2] - 1.0) < 1e-9)
    }

    @Test func sidecarRecordsRoundTripWithSpacesAndCommas() {
        var inv = Self.inventory(at: 5, runs: 123, ns: 456)
        inv.programs[0].attach = ["cgroup 12 cgroup_inet_ingress", "uprobe /opt/a,b/x"]
        inv.maps.append(BpfMap(id: 4, type: "hash", name: "", memoryBytes: nil))
        inv.error = "a 100% reason"
        var s = ProcSample()
        s.monotonic = 5_000_000
        s.bpf = inv
        let text = ProcSidecar.header(pageSize: 4096) + ProcSidecar.encode(s)
        let decoded = text.utf8.withContiguousStorageIfAvailable { ProcSidecar.decode(UnsafeRawBufferPointer($0)) } ?? nil
        var expected = inv
        expected.monotonic = 5_000_000  // the sample's T line carries the time
        #expect(decoded?.samples.first?.bpf == expected)
    }

    @Test func aTruncatedRecordIsKeptAsFarAsItGoes() {
        var inv: BpfInventory?
        #expect(BpfSidecar.decode(["B", "1"], into: &inv))
        #expect(BpfSidecar.decode(["b", "12", "5"], into: &inv))
        #expect(inv?.programs.first?.id == 12 && inv?.programs.first?.runCount == 5 && inv?.programs.first?.loadedBy == nil)
        #expect(!BpfSidecar.decode(["Z"], into: &inv))
    }

    @Test func jsonHasTheIssuesKeysInOrder() {
        let json = BpfReport.json(Self.inventory(at: 0, runs: 3, ns: 4))
        #expect(json.hasPrefix(#"{"programs":[{"id":7,"type":"tracepoint","name":"tt_openat","tag":"85245b9791ed9889","attach":["tracepoint sys_enter_openat"],"loaded_by":{"pid":42,"comm":"my loader"},"run_cnt":3,"run_time_ns":4}"#))
        #expect(json.contains(#""loaded_by":null"#))
        #expect(json.contains(#""maps":[{"id":3,"type":"array","name":"tt_count","key_size":4,"value_size":8,"max_entries":2,"memory_bytes":568}]"#))
    }

    @Test func tableSaysHowToGetRunFiguresWhenStatsAreOff() {
        var inv = Self.inventory(at: 0, runs: 0, ns: 0)
        #expect(!BpfReport.table(inv).contains("bpf_stats_enabled"))
        inv.statsEnabled = false
        let table = BpfReport.table(inv)
        #expect(table.contains("--bpf-stats"))
        #expect(table.contains("42 my loader") && table.contains("tracepoint sys_enter_openat"))
    }
}
