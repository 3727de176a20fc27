import Foundation
import Testing
import TraceCapture
import TraceModel

/// tracetui against perf and trace-cmd on recordings made here and now: `perf sched latency`, `perf trace -s`,
/// `trace-cmd report --profile` and `perf report`, each on the same data tracetui reads (perf.data through
/// `perf script`). Each test says why and checks nothing where the tool, root or the kernel is missing; the
/// recordings in Tests/Fixtures/latency keep the comparisons running there (`LatencyFixtureTests`).
@Suite(.serialized) struct LatencyToolTests {
    static var perf: String? { PerfDataReader.perfPath() }

    /// Why the tracepoint recordings cannot run here, nil when they can.
    static var tracepointsRefused: String? {
        if perf == nil { return "perf is not installed" }
        if geteuid() != 0 { return "not root" }
        if ProcessInfo.processInfo.environment["TRACETUI_TRACEFS_WEDGED"] != nil { return "tracefs does not answer" }
        return nil
    }

    /// Runs a perf command that opens tracepoints with tracetui's tracefs lock held shared (see TracefsLock).
    static func locked(_ argv: [String]) throws -> (Int32, String, String) {
        try TraceDatTests.runCapturing(["/usr/bin/flock", "-s", "-w", "10", TracefsLock.path] + argv)
    }

    /// Runs a command with default signal handling and no signal blocked (the test runner's children inherit a
    /// mask that blocks SIGCHLD, and a system-wide `perf record -- CMD` waits for that signal to stop), with the
    /// tracefs lock held shared; its output goes to the test log. Bounded: killed after `seconds`.
    static func lockedUnblocked(_ argv: [String], seconds: Int = 120) throws -> Int32 {
        let child = try HeldChild(["/usr/bin/flock", "-s", "-w", "10", TracefsLock.path] + argv)
        child.release()
        var status: Int32 = 0
        for _ in 0..<(seconds * 20) {
            if waitpid(child.pid, &status, WNOHANG) == child.pid { return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1 }
            usleep(50_000)
        }
        kill(child.pid, SIGKILL)
        _ = waitpid(child.pid, &status, 0)
        return -1
    }

    static func temporary(_ name: String) -> String {
        NSTemporaryDirectory() + "tracetui-\(UUID().uuidString)-\(name)"
    }

    /// perf's version as (major, minor): the scheduling-delay rules changed in 6.4.
    static func perfVersion() throws -> (Int, Int) {
        let (_, _, out) = try TraceDatTests.runCapturing([perf!, "--version"])
        let numbers = out.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return (numbers.first ?? 0, numbers.count > 1 ? numbers[1] : 0)
    }

    @Test func perfSchedRecordMatchesPerfSchedLatency() async throws {
        if let why = Self.tracepointsRefused { print("perf sched comparison skipped: \(why)"); return }
        let data = Self.temporary("sched.data")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let load = "for i in 1 2 3 4; do (dd if=/dev/zero of=/dev/null bs=1k count=8000; sleep 0.01) 2>/dev/null & done; wait"
        let status = try Self.lockedUnblocked([Self.perf!, "sched", "record", "-q", "-o", data, "--", "/bin/sh", "-c", load])
        guard status == 0 else { print("perf sched record refused here (status \(status), its messages above)"); return }
        let (s1, _, byComm) = try TraceDatTests.runCapturing([Self.perf!, "sched", "latency", "-i", data])
        let (s2, _, byThread) = try TraceDatTests.runCapturing([Self.perf!, "sched", "latency", "--pids", "-i", data])
        #expect(s1 == 0 && s2 == 0)
        let store = try await TraceInput(path: data).load()
        #expect(store.summary.unparsed == 0)
        let version = try Self.perfVersion()
        var options = LatencyOptions(sections: [.sched])
        options.schedRules = version < (6, 4) ? .beforePerf64 : .current
        LatencyFixtureTests.expectSchedMatches(LatencyToolOutput.perfSchedLatency(byComm), store.latency(options).sched,
                                               byPID: false)
        options.grouping = .pid
        LatencyFixtureTests.expectSchedMatches(LatencyToolOutput.perfSchedLatency(byThread), store.latency(options).sched,
                                               byPID: true)
    }

    /// One recording, read by both: `perf trace record` of a command, `perf trace -i … -s` summarizing it, and
    /// tracetui reading the same perf.data. (Two runs of the command, one traced by each, differed by a syscall
    /// now and then.) Calls and errors equal per syscall, totals to the microsecond perf prints.
    @Test func recordedSyscallsMatchPerfTraceSummary() async throws {
        if let why = Self.tracepointsRefused { print("perf trace comparison skipped: \(why)"); return }
        let command = ["/bin/ls", "-d", "/nonexistent", "/tmp", "/etc/hostname"]
        let summary = Self.temporary("trace-s.txt")
        let data = Self.temporary("sys.data")
        defer {
            try? FileManager.default.removeItem(atPath: summary)
            try? FileManager.default.removeItem(atPath: data)
        }
        // ls exits 2 (the missing path): perf passes that on.
        let (rs, rerr, _) = try Self.locked([Self.perf!, "trace", "record", "-q", "-o", data, "--"] + command)
        guard rs == 0 || rs == 2, FileManager.default.fileExists(atPath: data) else {
            print("perf trace record refused here: \(rerr.suffix(300))")
            return
        }
        let (ts, terr, _) = try TraceDatTests.runCapturing([Self.perf!, "trace", "-i", data, "-s", "-o", summary])
        guard ts == 0 else { print("perf trace -i -s refused here: \(terr.suffix(300))"); return }
        let text = try String(contentsOfFile: summary, encoding: .utf8)
        let store = try await TraceInput(path: data).load()
        let report = store.latency(LatencyOptions(sections: [.syscalls]))
        LatencyFixtureTests.expectSyscallsMatch(LatencyToolOutput.perfTraceSummary(text), report.syscalls)
        for (name, totalMS) in LatencyToolOutput.perfTraceTotals(text) {
            let ours = try #require(report.syscalls.first { $0.name == name }, "\(name)")
            #expect(abs(Double(ours.duration.total) / 1e6 - totalMS) <= 0.0011, "\(name) total \(ours.duration.total) ns vs \(totalMS) ms")
        }
    }

    @Test func recordedTraceDatWakeupsMatchTraceCmdProfile() async throws {
        let out = Self.temporary("profile.dat")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let events = "sched/sched_switch sched/sched_wakeup sched/sched_waking sched/sched_wakeup_new"
        let load = "for i in 1 2 3; do dd if=/dev/zero of=/dev/null bs=1k count=20000 2>/dev/null & done; wait; sleep 0.05"
        let (status, err) = try TraceDatTests.run(["/usr/bin/env", "TRACE_EVENTS=\(events)", "WORKLOAD=\(load)",
                                                   "BUFFER_KB=8192", "/bin/bash",
                                                   TraceDatTests.repo.appendingPathComponent("Tests/record-trace-dat.sh").path, out])
        if status == 77 { print("trace-cmd profile comparison skipped: \(err.trimmingCharacters(in: .whitespacesAndNewlines))"); return }
        #expect(status == 0, "record-trace-dat.sh: \(err)")
        let (ps, _, profile) = try TraceDatTests.runCapturing(["/usr/bin/env", "trace-cmd", "report", "--profile", "-i", out])
        #expect(ps == 0)
        let store = try await TraceInput(path: out).load()
        var options = LatencyOptions(sections: [.sched], grouping: .pid)
        options.schedRules = .traceCmd
        LatencyFixtureTests.expectWakeupsMatch(LatencyToolOutput.traceCmdWakeups(profile), store.latency(options).sched,
                                               atLeast: 3)
    }

    /// `tracetui report perf.data` (decoded through perf script) against `perf report` on the same file: the same
    /// top entries, percentages within 0.1.
    @Test func reportOfPerfDataMatchesPerfReport() async throws {
        guard let perf = Self.perf else { print("perf report comparison skipped: perf is not installed"); return }
        let spin = TraceDatTests.repo.appendingPathComponent(".build/debug/tracetui-spin").path
        guard FileManager.default.isExecutableFile(atPath: spin) else {
            Issue.record("tracetui-spin not built at \(spin)")
            return
        }
        let data = Self.temporary("cpu.data")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let load = "\(spin) spin 0.3; dd if=/dev/zero of=/dev/null bs=4k count=30000 2>/dev/null"
        let (rs, rerr, _) = try TraceDatTests.runCapturing([perf, "record", "-q", "-F", "2000", "-g", "-o", data, "--",
                                                           "/bin/sh", "-c", load])
        guard rs == 0 else { print("perf record refused here: \(rerr.suffix(300))"); return }
        let (ps, _, text) = try TraceDatTests.runCapturing([perf, "report", "-i", data, "--stdio", "--no-children",
                                                           "--sort", "comm,dso,symbol", "-g", "none"])
        #expect(ps == 0)
        let theirs = LatencyToolOutput.perfReport(text)
        let input = try TraceInput(path: data)
        #expect(input.format == .perfData)
        let table = try await HotspotLoader.load(input).table(keys: HotspotKey.parse("comm,dso,symbol"), children: false)
        let csv = HotspotReport.csv(table, limit: nil).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let ours = csv.compactMap { cells -> (Double, String, String, String)? in
            guard cells.count >= 5, let pct = Double(cells[0]) else { return nil }
            return (pct, cells[2], (cells[3] as NSString).lastPathComponent, cells[4])
        }
        let top = theirs.filter { $0.percent >= 1 }
        #expect(!top.isEmpty)
        #expect(ours.first?.3 == theirs.first?.symbol, "top entry")
        for entry in top {
            // perf report prints a dso by its base name.
            let mine = ours.first { $0.1 == entry.comm && $0.2 == entry.dso && $0.3 == entry.symbol }
            #expect(mine != nil, "perf's \(entry.comm) \(entry.dso) \(entry.symbol) is missing")
            if let mine { #expect(abs(mine.0 - entry.percent) <= 0.1, "\(entry.symbol): \(mine.0) vs \(entry.percent)") }
        }
    }

    @Test func perfDataWithoutPerfSaysWhatToInstall() async throws {
        let path = Self.temporary("fake.data")
        try Data("PERFILE2".utf8 + [UInt8](repeating: 0, count: 256)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try TraceInput(path: path).format == .perfData)
        do {
            for try await _ in PerfDataReader.blocks(path: path, perf: nil) {}
            Issue.record("no error without perf")
        } catch let error as CaptureError {
            #expect(error.description == PerfDataReader.missingPerf)
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("linux-perf"))
        }
    }
}
