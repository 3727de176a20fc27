import Foundation
import Testing
import TraceCapture
import TraceModel

/// tracetui's latency numbers against the tools' own answers on recordings kept in Tests/Fixtures/latency (see its
/// SOURCES.md): these run everywhere; `LatencyToolTests` repeats them on fresh recordings where the tools run.
@Suite struct LatencyFixtureTests {
    static let dir = TraceDatTests.repo.appendingPathComponent("Tests/Fixtures/latency")

    static func load(_ name: String) async throws -> EventStore {
        try await TraceInput(path: dir.appendingPathComponent(name).path).load()
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    /// Per comm (and per thread with --pids) the switches equal and the max delay within 1 % (perf prints ms with
    /// three decimals: within a microsecond below 0.1 ms) — and the run time too. Rows perf prints as `:pid` (a
    /// thread perf never learnt a comm for) are left out: tracetui names them from the switch's `next_comm`.
    static func expectSchedMatches(_ perf: [LatencyToolOutput.PerfSchedRow], _ ours: [SchedLatencyRow],
                                   byPID: Bool) {
        #expect(perf.count > 3, "perf printed \(perf.count) rows")
        var compared = 0
        for row in perf where !row.comm.isEmpty {
            let mine = ours.first { byPID ? $0.comm == row.comm && "\($0.pids.first ?? -1)" == row.id : $0.comm == row.comm }
            guard let mine else {
                Issue.record("perf's \(row.comm):\(row.id) is missing")
                continue
            }
            compared += 1
            #expect(mine.switches == row.switches, "\(row.comm):\(row.id) switches")
            let maxMS = Double(mine.delay.max) / 1e6
            #expect(abs(maxMS - row.maxMS) <= max(0.001, row.maxMS * 0.01), "\(row.comm):\(row.id) max \(maxMS) vs \(row.maxMS)")
            #expect(abs(Double(mine.runtime) / 1e6 - row.runtimeMS) <= 0.001, "\(row.comm):\(row.id) runtime")
            if !byPID, row.id.hasPrefix("(") { #expect("(\(mine.pids.count))" == row.id, "\(row.comm) threads") }
        }
        #expect(compared == perf.filter { !$0.comm.isEmpty }.count)
    }

    @Test func perfSchedRecordMatchesPerfSchedLatencyByComm() async throws {
        let store = try await Self.load("perf-sched-record.script.txt.gz")
        #expect(store.summary.unparsed == 0)
        var options = LatencyOptions(sections: [.sched])
        options.schedRules = .beforePerf64
        let report = store.latency(options)
        Self.expectSchedMatches(LatencyToolOutput.perfSchedLatency(try Self.text("perf-sched-latency.txt")), report.sched,
                                byPID: false)
    }

    @Test func perfSchedRecordMatchesPerfSchedLatencyByThread() async throws {
        let store = try await Self.load("perf-sched-record.script.txt.gz")
        var options = LatencyOptions(sections: [.sched], grouping: .pid)
        options.schedRules = .beforePerf64
        let report = store.latency(options)
        Self.expectSchedMatches(LatencyToolOutput.perfSchedLatency(try Self.text("perf-sched-latency-pids.txt")),
                                report.sched, byPID: true)
    }

    static func expectSyscallsMatch(_ perf: [String: (calls: Int, errors: Int)], _ ours: [SyscallLatencyRow]) {
        #expect(perf.count > 10)
        #expect(Set(perf.keys) == Set(ours.map(\.name)))
        for (name, counts) in perf {
            let mine = ours.first { $0.name == name }
            #expect(mine?.calls == counts.calls, "\(name) calls")
            #expect(mine?.errors == counts.errors, "\(name) errors")
        }
    }

    @Test func rawSyscallsMatchPerfTraceSummary() async throws {
        let store = try await Self.load("raw-syscalls-ls.script.txt.gz")
        let report = store.latency(LatencyOptions(sections: [.syscalls]))
        Self.expectSyscallsMatch(LatencyToolOutput.perfTraceSummary(try Self.text("perf-trace-s-ls.txt")), report.syscalls)
        #expect(report.syscallsByTask.count == 1)
    }

    @Test func syscallTracepointPairsMatchPerfTraceSummary() async throws {
        let store = try await Self.load("syscalls-ls.script.txt.gz")
        let report = store.latency(LatencyOptions(sections: [.syscalls]))
        Self.expectSyscallsMatch(LatencyToolOutput.perfTraceSummary(try Self.text("perf-trace-s-ls.txt")), report.syscalls)
    }

    static func expectWakeupsMatch(_ theirs: [Int32: (count: Int, average: Int64)], _ ours: [SchedLatencyRow],
                                   atLeast tasks: Int = 6) {
        #expect(theirs.count >= tasks)
        for (pid, t) in theirs {
            let mine = ours.first { $0.pids == [pid] }
            #expect(mine?.switches == t.count, "pid \(pid) wakeups")
            #expect(mine?.delay.average == t.average, "pid \(pid) average wakeup latency")
        }
    }

    @Test func traceDatWakeupLatencyMatchesTraceCmdProfile() async throws {
        let store = try await Self.load("sched-dd.dat")
        var options = LatencyOptions(sections: [.sched], grouping: .pid)
        options.schedRules = .traceCmd
        Self.expectWakeupsMatch(LatencyToolOutput.traceCmdWakeups(try Self.text("trace-cmd-profile-sched-dd.txt")),
                                store.latency(options).sched)
    }
}

/// perf script text of tracepoints has no blank line between records: it still splits into pieces parsed in
/// parallel, each starting at a record.
@Suite struct PerfScriptSplitTests {
    @Test func tracepointTextWithoutBlankLinesSplitsAtRecords() async {
        var text = ""
        var expected = 0
        while text.utf8.count < 3 << 20 {
            let t = 100 + Double(expected) / 1e6
            text += "            perf  5154 [000] \(String(format: "%.6f", t)): sched:sched_stat_runtime: comm=perf pid=5154 runtime=37218 [ns]\n"
            expected += 1
        }
        let storage = OwnedBytes(Array(text.utf8))
        #expect(PieceSplitter.split(storage.bytes, atBlankLines: true).count > 1)
        var store = EventStore()
        var pieces = 0
        await ParallelParse.run(storage, keepRows: true) { piece in
            pieces += 1
            store.append(piece)
        }
        #expect(pieces > 1)
        #expect(store.summary.events == expected && store.summary.unparsed == 0)
    }
}
