import Foundation
import Testing
@testable import TraceModel

/// The latency passes on small traces whose answers are worked out by hand (the tools' own answers on real
/// recordings are in TraceCaptureTests' LatencyFixtureTests and LatencyToolTests).
@Suite struct LatencyTests {
    static func store(_ text: String) -> EventStore { EventStore(parsing: OwnedBytes(Array(text.utf8))) }

    static func ftrace(_ lines: [(String, Int, String, String, String)]) -> String {
        // (comm, pid, time, event, payload) on CPU 0.
        "# tracer: nop\n" + lines.map { "\($0.0)-\($0.1) [000] d..2. \($0.2): \($0.3): \($0.4)" }.joined(separator: "\n") + "\n"
    }

    static func sw(_ a: String, _ ap: Int, _ state: String, _ b: String, _ bp: Int) -> String {
        "prev_comm=\(a) prev_pid=\(ap) prev_prio=120 prev_state=\(state) ==> next_comm=\(b) next_pid=\(bp) next_prio=120"
    }

    /// a (10) runs first, sleeps, is woken (waking at .200, wakeup at .250) and runs at .500 preempting b (R+);
    /// blocks in D at .900, is woken at 1.900 / 1.950 and runs at 2.000.
    static let schedTrace = ftrace([
        ("<idle>", 0, "1.000000", "sched_switch", sw("swapper/0", 0, "R", "a", 10)),
        ("a", 10, "1.000100", "sched_switch", sw("a", 10, "S", "b", 20)),
        ("b", 20, "1.000200", "sched_waking", "comm=a pid=10 prio=120 target_cpu=000"),
        ("b", 20, "1.000250", "sched_wakeup", "comm=a pid=10 prio=120 target_cpu=000"),
        ("b", 20, "1.000500", "sched_switch", sw("b", 20, "R+", "a", 10)),
        ("a", 10, "1.000900", "sched_switch", sw("a", 10, "D", "b", 20)),
        ("b", 20, "1.001900", "sched_waking", "comm=a pid=10 prio=120 target_cpu=000"),
        ("b", 20, "1.001950", "sched_wakeup", "comm=a pid=10 prio=120 target_cpu=000"),
        ("b", 20, "1.002000", "sched_switch", sw("b", 20, "S", "a", 10)),
    ])

    static func sched(_ text: String, rules: SchedDelayRules, grouping: LatencyGrouping = .comm) -> [SchedLatencyRow] {
        var options = LatencyOptions(sections: [.sched], grouping: grouping)
        options.schedRules = rules
        return store(text).latency(options).sched
    }

    @Test func schedulingDelayFollowsCurrentPerf() throws {
        let rows = Self.sched(Self.schedTrace, rules: .current)
        let a = try #require(rows.first { $0.comm == "a" })
        // First seen switched in (0), woken by sched_waking at .200 and run at .500, woken at 1.900 and run at 2.000.
        #expect(a.switches == 3)
        #expect(a.delay.max == 300_000)
        #expect(a.maxDelayStart == 1_000_200_000 && a.maxDelayEnd == 1_000_500_000)
        #expect(a.delay.total == 400_000 && a.runnable == 400_000)
        #expect(a.sleep == 100_000, "S from .100 to the waking at .200")
        #expect(a.blocked == 1_000_000, "D from .900 to the waking at 1.900")
        #expect(a.runtime == 500_000, "on CPU .000-.100 and .500-.900 (no sched_stat_runtime)")
        #expect(a.pids == [10])
        let b = try #require(rows.first { $0.comm == "b" })
        // First seen (0), then preempted at .500 (R+) and run again at .900.
        #expect(b.switches == 2 && b.delay.max == 400_000)
        #expect(b.runtime == 1_500_000)
        #expect(!rows.contains { $0.pids.contains(0) }, "the idle task is left out")
        // Worst first, with the rows of its start and end.
        let s = Self.store(Self.schedTrace)
        let worst = try #require(a.delay.worst.first)
        #expect(s.timestamp(worst.startRow) == 1_000_200_000 && s.timestamp(worst.endRow) == 1_000_500_000)
        #expect(s.payloadText(worst.startRow).hasPrefix("comm=a") && s.payloadText(worst.endRow).hasSuffix("next_pid=10 next_prio=120"))
    }

    @Test func schedulingDelayFollowsPerfBefore64() throws {
        let rows = Self.sched(Self.schedTrace, rules: .beforePerf64)
        let a = try #require(rows.first { $0.comm == "a" })
        // sched_waking is not read: the waits start at the sched_wakeup events.
        #expect(a.switches == 3 && a.delay.max == 250_000 && a.delay.total == 300_000)
        let b = try #require(rows.first { $0.comm == "b" })
        #expect(b.switches == 1, "a preempted (R+) task is taken as asleep")
    }

    @Test func schedulingDelayFollowsTraceCmdProfile() throws {
        let rows = Self.sched(Self.schedTrace, rules: .traceCmd)
        let a = try #require(rows.first { $0.comm == "a" })
        #expect(a.switches == 2 && a.delay.average == 150_000, "sched_wakeup to switch-in: 250 and 50 µs")
        let b = try #require(rows.first { $0.comm == "b" })
        #expect(b.switches == 0 && b.runtime > 0)
    }

    @Test func traceCmdPluginLayoutGivesTheSameDelays() {
        let plugin = Self.ftrace([
            ("<idle>", 0, "1.000000", "sched_switch", "swapper/0:0 [120] R ==> a:10 [120]"),
            ("a", 10, "1.000100", "sched_switch", "a:10 [120] S ==> b:20 [120]"),
            ("b", 20, "1.000200", "sched_waking", "comm=a pid=10 prio=120 target_cpu=000"),
            ("b", 20, "1.000250", "sched_wakeup", "a:10 [120] success=1 CPU:000"),
            ("b", 20, "1.000500", "sched_switch", "b:20 [120] R+ ==> a:10 [120]"),
            ("a", 10, "1.000900", "sched_switch", "a:10 [120] D ==> b:20 [120]"),
            ("b", 20, "1.001900", "sched_waking", "comm=a pid=10 prio=120 target_cpu=000"),
            ("b", 20, "1.001950", "sched_wakeup", "a:10 [120] CPU:000"),
            ("b", 20, "1.002000", "sched_switch", "b:20 [120] S ==> a:10 [120]"),
        ])
        for rules in SchedDelayRules.allCases {
            #expect(Self.sched(plugin, rules: rules) == Self.sched(Self.schedTrace, rules: rules), "\(rules)")
        }
    }

    @Test func commGroupsThreadsAndPidSplitsThem() {
        let text = Self.ftrace([
            ("<idle>", 0, "1.000000", "sched_switch", Self.sw("swapper/0", 0, "R", "w", 30)),
            ("w", 30, "1.000100", "sched_switch", Self.sw("w", 30, "R", "w", 31)),
            ("w", 31, "1.000400", "sched_switch", Self.sw("w", 31, "R", "w", 30)),
        ])
        let byComm = Self.sched(text, rules: .current)
        // 30 and 31 first seen switched in (0 each), 30 preempted at .100 and back at .400.
        #expect(byComm.count == 1 && byComm[0].pids == [30, 31] && byComm[0].switches == 3)
        #expect(byComm[0].delay.max == 300_000)
        let byPID = Self.sched(text, rules: .current, grouping: .pid)
        #expect(byPID.map(\.pids).sorted { $0[0] < $1[0] } == [[30], [31]])
    }

    @Test func perfScriptTracepointRecordsParse() {
        let text = """
                        perf  5154 [000]   114.365655: sched:sched_stat_runtime: comm=perf pid=5154 runtime=37218 [ns]
                        perf  5154 [000]   114.365661:       sched:sched_waking: comm=dd pid=18 prio=0 target_cpu=000
                          dd    18 [000]   114.365664:       sched:sched_switch: prev_comm=dd prev_pid=18 prev_prio=120 prev_state=R ==> next_comm=perf next_pid=5154 next_prio=120
                         :-1    -1 [001]   114.365670:       sched:sched_switch: prev_comm=x prev_pid=77 prev_prio=120 prev_state=X ==> next_comm=dd next_pid=18 next_prio=120
                         :-1  5167/-1 [001]   114.365680: sched:sched_stat_runtime: comm=x pid=77 runtime=6678 [ns]
                         cc1  5227/5227 [000]   114.365690: sched:sched_stat_runtime: comm=cc1 pid=5227 runtime=6678 [ns]

            """
        let s = Self.store(text)
        #expect(s.summary.unparsed == 0)
        #expect(s.summary.events == 6)
        #expect(s.summary.byEvent["sched:sched_switch"] == 2)
        // `dd` and `cc1` look like hex addresses: still headers, not frames of the sample above.
        #expect(s.taskNames.contains("dd") && s.taskNames.contains("cc1"))
    }

    static let syscallTrace = """
        # tracer: nop
        ls-100 [000] ..... 1.000000: sys_openat(dfd: ffffff9c, filename: 7ffd, flags: 0, mode: 0)
        ls-100 [000] ..... 1.000010: sys_openat -> 0xfffffffffffffffe
        ls-100 [000] ..... 1.000020: sys_openat(dfd: ffffff9c, filename: 7ffd, flags: 0, mode: 0)
        ls-100 [000] ..... 1.000050: sys_openat -> 0x3
        ls-100 [000] ..... 1.000060: sys_enter_read: fd: 0x00000003, buf: 0x7ffd, count: 0x00000340
        ls-100 [000] ..... 1.000160: sys_exit_read: 0x340
        cat-101 [001] ..... 1.000070: sys_enter: NR 257 (ffffff9c, 7ffd, 0, 0, 0, 0)
        cat-101 [001] ..... 1.000090: sys_exit: NR 257 = -13
        cat-101 [001] ..... 1.000100: sys_exit: NR 0 = 5

        """

    @Test func syscallsPairEntriesWithExitsInEveryForm() throws {
        let report = Self.store(Self.syscallTrace).latency(LatencyOptions(sections: [.syscalls]))
        let openat = try #require(report.syscalls.first { $0.name == "openat" })
        // Two from sys_openat(...) / -> pairs, one from raw_syscalls NR 257 (named from the x86_64 table).
        #expect(openat.calls == 3 && openat.errors == 2)
        #expect(openat.duration.min == 10_000 && openat.duration.max == 30_000 && openat.duration.total == 60_000)
        // perf trace's stddev %: the standard error of the mean over the mean (durations 10, 30, 20 µs).
        #expect(abs(openat.duration.stddevPercent - 100 * (100.0 / 3).squareRoot() / 20) < 0.01)
        let read = try #require(report.syscalls.first { $0.name == "read" })
        // The exit of a read whose entry was not traced counts as a call of zero length, as perf trace counts it.
        #expect(read.calls == 2 && read.errors == 0 && read.duration.max == 100_000 && read.duration.min == 0)
        #expect(report.syscallsByTask.map(\.comm).sorted() == ["cat", "ls"])
        #expect(report.notes.contains { $0.contains("1 exits without their entry") })
    }

    @Test func irqHandlersAreTimedPerCPU() throws {
        let text = """
            # tracer: nop
            a-1 [000] d.h1. 1.000000: irq_handler_entry: irq=24 name=virtio0-input.0
            b-2 [001] d.h1. 1.000001: irq_handler_entry: irq=24 name=virtio0-input.0
            a-1 [000] d.h1. 1.000004: irq_handler_exit: irq=24 ret=handled
            b-2 [001] d.h1. 1.000011: irq_handler_exit: irq=24 ret=handled
            a-1 [000] ..s1. 1.000020: softirq_entry: vec=1 [action=TIMER]
            a-1 [000] ..s1. 1.000050: softirq_exit: vec=1 [action=TIMER]
            a-1 [000] ..s1. 1.000060: softirq_entry: vec=9
            a-1 [000] ..s1. 1.000070: softirq_exit: vec=9

            """
        let irq = Self.store(text).latency(LatencyOptions(sections: [.irq])).irq
        let hard = try #require(irq.first { $0.kind == .irq })
        #expect(hard.number == 24 && hard.name == "virtio0-input.0" && hard.duration.count == 2)
        #expect(hard.duration.max == 10_000 && hard.duration.total == 14_000)
        #expect(irq.first { $0.kind == .softirq && $0.number == 1 }?.name == "TIMER")
        #expect(irq.first { $0.kind == .softirq && $0.number == 9 }?.name == "RCU", "named from the kernel's vector list")
    }

    @Test func blockRequestsAreTimedFromIssueToCompletion() throws {
        let text = """
            # tracer: nop
            kworker-9 [000] ..... 1.000000: block_rq_insert: 8,0 W 4096 () 1000 + 8 [kworker]
            kworker-9 [000] ..... 1.000010: block_rq_issue: 8,0 W 4096 () 1000 + 8 [kworker]
            kworker-9 [000] ..... 1.000020: block_rq_issue: 259,0 R 65536 () 2000 + 128 none,0,0 [fio]
            <idle>-0 [000] d.h1. 1.000510: block_rq_complete: 8,0 W () 1000 + 8 [0]
            <idle>-0 [000] d.h1. 1.002020: block_rq_complete: 259,0 R () 2000 + 128 none,0,0 [0]
            <idle>-0 [000] d.h1. 1.003000: block_rq_complete: 259,0 R () 9999 + 8 [0]

            """
        let block = Self.store(text).latency(LatencyOptions(sections: [.block])).block
        let sda = try #require(block.first { $0.device == "8,0" })
        #expect(sda.ios == 1 && sda.bytes == 4096 && sda.latency.max == 500_000, "from issue, not insert")
        let nvme = try #require(block.first { $0.device == "259,0" })
        #expect(nvme.ios == 1 && nvme.bytes == 65536 && nvme.latency.max == 2_000_000)
    }

    @Test func percentilesAndHistogramOfKnownDurations() throws {
        // 100 irqs lasting 1, 2, …, 100 µs.
        var lines = ["# tracer: nop"]
        var t: Int64 = 1_000_000_000
        for k in 1...100 {
            lines.append("a-1 [000] d.h1. \(TimeFormat.timestamp(t, clock: .seconds)): irq_handler_entry: irq=5 name=x")
            t += Int64(k) * 1000
            lines.append("a-1 [000] d.h1. \(TimeFormat.timestamp(t, clock: .seconds)): irq_handler_exit: irq=5 ret=handled")
            t += 1000
        }
        let row = try #require(Self.store(lines.joined(separator: "\n") + "\n").latency(LatencyOptions(sections: [.irq])).irq.first)
        let d = row.duration
        #expect(d.count == 100 && d.p50 == 50_000 && d.p90 == 90_000 && d.p99 == 99_000 && d.max == 100_000)
        #expect(d.histogram.reduce(0, +) == 100)
        // 1 µs = 1000 ns sits in [512, 1024); 100 µs in [65536, 131072).
        #expect(d.histogram[LatencyStats.slot(1000)] == 1 && LatencyStats.slotStart(LatencyStats.slot(1000)) == 512)
        #expect(d.histogram.count == LatencyStats.slot(100_000) + 1)
        #expect(d.worst.count == 10 && d.worst.map(\.duration) == (91...100).reversed().map { Int64($0) * 1000 })
    }

    @Test func scopeLimitsRowsTimeAndSelection() throws {
        let s = Self.store(Self.syscallTrace)
        func calls(_ scope: LatencyScope) -> Int {
            s.latency(LatencyOptions(sections: [.syscalls], scope: scope)).syscalls.reduce(0) { $0 + $1.calls }
        }
        #expect(calls(.all) == 5)
        // Rows 0-3: the two openat pairs.
        #expect(calls(LatencyScope(rows: 0..<4)) == 2)
        // From 1.000020 on: the first openat's exit is left out and its pair lost.
        #expect(calls(LatencyScope(time: 1_000_020_000...2_000_000_000)) == 4)
        // Only the exits selected: each a zero-length call.
        let exits = (0..<s.count).filter { s.eventNames[Int(s.eventID($0))].contains("exit") }
        #expect(exits.count == 5)
        let selected = s.latency(LatencyOptions(sections: [.syscalls], scope: LatencyScope(selection: exits))).syscalls
        #expect(selected.reduce(0) { $0 + $1.calls } == 5 && selected.allSatisfy { $0.duration.max == 0 })
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let report = Self.store(Self.schedTrace + Self.syscallTrace.replacingOccurrences(of: "# tracer: nop\n", with: ""))
            .latency()
        let json = LatencyReportFormat.json(report, sections: LatencySection.allCases)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["sched", "syscalls", "syscalls_by_task", "irq", "block", "notes"])
        let sched = try #require((object["sched"] as? [[String: Any]])?.first)
        for key in ["comm", "pids", "runtime_ns", "switches", "avg_delay_ns", "max_delay_ns", "max_delay_start",
                    "max_delay_end", "runnable_ns", "sleep_ns", "blocked_ns", "p50_ns", "p90_ns", "p99_ns", "histogram",
                    "worst"] {
            #expect(sched[key] != nil, "sched.\(key)")
        }
        let syscall = try #require((object["syscalls"] as? [[String: Any]])?.first)
        for key in ["name", "calls", "errors", "total_ns", "min_ns", "avg_ns", "max_ns", "stddev_pct"] {
            #expect(syscall[key] != nil, "syscalls.\(key)")
        }
        #expect(json.contains("\"max_delay_start\":1.000200000"))
    }

    @Test func tableEscapesControlCharactersInNames() {
        let text = Self.ftrace([
            ("<idle>", 0, "1.000000", "sched_switch", Self.sw("swapper/0", 0, "R", "evil\u{1b}[2J", 40)),
            ("evil\u{1b}[2J", 40, "1.000100", "sched_switch", Self.sw("evil\u{1b}[2J", 40, "S", "swapper/0", 0)),
        ])
        let report = Self.store(text).latency()
        #expect(report.sched.first?.comm == "evil\u{1b}[2J")
        let out = LatencyReportFormat.text(report, sections: [.sched])
        #expect(!out.contains("\u{1b}"))
        #expect(out.contains("evil\\x1b[2J"))
    }
}

/// The analyzer kept between snapshots of a growing store (the live view) gives what one pass over the whole store
/// gives, reading only the new rows each time.
@Suite struct LatencyAnalyzerTests {
    static func piece(_ text: String) -> ParsedPiece {
        let storage = OwnedBytes(Array(text.utf8))
        return PieceParser(tracer: nil).parse(storage, range: 0..<storage.bytes.count)
    }

    static let lines = LatencyTests.schedTrace.split(separator: "\n").dropFirst().map { String($0) + "\n" }
        + LatencyTests.syscallTrace.split(separator: "\n").dropFirst().map { String($0) + "\n" }

    @Test func consumingInStepsEqualsOnePass() {
        let whole = LatencyTests.store(Self.lines.joined())
        var growing = EventStore()
        var analyzer = LatencyAnalyzer()
        for cut in stride(from: 0, to: Self.lines.count, by: 4) {
            growing.append(Self.piece(Self.lines[cut..<min(cut + 4, Self.lines.count)].joined()))
            analyzer.consume(growing)
        }
        #expect(growing.count == whole.count)
        #expect(analyzer.consumed == whole.count)
        #expect(analyzer.report() == whole.latency())
        // Nothing new: nothing changes.
        analyzer.consume(growing)
        #expect(analyzer.report() == whole.latency())
    }

    @Test func evictedRowsShiftTheOccurrencesRows() throws {
        var growing = EventStore()
        var analyzer = LatencyAnalyzer(LatencyOptions(sections: [.sched]))
        for line in Self.lines.prefix(9) {
            growing.append(Self.piece(line))
            analyzer.consume(growing)
        }
        let before = try #require(analyzer.report().sched.first { $0.comm == "a" }?.delay.worst.first)
        growing.evictOldest(keeping: 4)
        let evicted = growing.evictedRows
        #expect(evicted > 0)
        growing.append(Self.piece(Self.lines[9]))
        analyzer.consume(growing)
        let after = try #require(analyzer.report().sched.first { $0.comm == "a" }?.delay.worst.first)
        #expect(after.startRow == before.startRow - evicted && after.endRow == before.endRow - evicted)
        #expect(after.duration == before.duration)
    }
}

/// A live latency view stays open for hours: a row's memory does not grow with its count.
@Suite struct LatencyAccumulatorMemoryTests {
    @Test func aMillionDurationsKeepAFewThousandCounts() {
        var state: UInt64 = 42
        func next() -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return 1_000 + Int64((state >> 33) % 10_000_000)
        }
        var acc = LatencyAccumulator(keep: 5)
        for i in 0..<1_000_000 { acc.add(next(), start: Int64(i), startRow: i, endRow: i + 1, pid: 1) }
        // 1 µs to 10 ms: 14 octaves of 128 buckets.
        #expect(acc.count == 1_000_000 && acc.storedCounts <= 14 * 128, "\(acc.storedCounts)")
    }
}
