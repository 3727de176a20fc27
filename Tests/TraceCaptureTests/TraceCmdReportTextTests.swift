import Foundation
import Testing
@testable import TraceCapture
@testable import TraceModel

/// `trace-cmd report` text in its layouts — default, `--ts-diff`, `-l` (latency columns) — with the plugin
/// payloads (`bash:1234 [120] S ==> swapper/1:0 [120]`, `rcu_preempt:15 [120] CPU:000`, `vec=1 [action=TIMER]`)
/// read into fields, checked against trace-cmd itself: its own decoding of the same trace.dat and its `-F`
/// filters. Uses the recordings kept in Tests/Fixtures (their report text too, for machines without
/// trace-cmd) and a new recording where the machine lets Tests/record-trace-dat.sh record.
@Suite("trace-cmd report text", .serialized)
struct TraceCmdReportTextTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let traceCmd = UftraceTool.which("trace-cmd")

    /// What trace-cmd answers for a trace.dat: its filters' counts.
    struct Counts: Equatable {
        var sleeping: Int
        var timerSoftirqs: Int
        var wakeupsToCPU1: Int
    }

    /// Recorded with trace-cmd 3.1.6 from the kept sched-softirq.dat.
    static let keptCounts = Counts(sleeping: 28, timerSoftirqs: 11, wakeupsToCPU1: 31)

    static func traceCmdCounts(_ dat: String) throws -> Counts {
        func count(_ filter: String, _ event: String) throws -> Int {
            try UftraceTool.run([traceCmd!, "report", "-F", filter, dat]).split(separator: "\n")
                .filter { $0.contains(" \(event):") }.count
        }
        return Counts(sleeping: try count("sched_switch: prev_state == 1", "sched_switch"),
                      timerSoftirqs: try count("softirq_entry: vec == 1", "softirq_entry"),
                      wakeupsToCPU1: try count("sched_wakeup: target_cpu == 1", "sched_wakeup"))
    }

    static func store(_ text: String) -> EventStore {
        let storage = OwnedBytes(Array(text.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        return store
    }

    static func count(_ store: EventStore, _ filter: String) throws -> Int {
        var m = try RowMatcher(try FilterExpression.parse(filter), store: store)
        #expect(m.unknownFields.isEmpty, "\(filter)")
        return (0..<store.count).filter { m.matches($0) }.count
    }

    /// Every layout of the text gives the events trace.dat holds (libtracecmd's decoding) and no unparsed
    /// line; plugin fields filter as trace-cmd's own -F filters do.
    static func expectSame(text: String, dat: String, counts: Counts, layout: String,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let theirs = try await TraceInput(path: dat).summarize()
        let store = Self.store(text)
        #expect(store.summary.unparsed == 0, "\(layout)", sourceLocation: sourceLocation)
        #expect(store.summary.byEvent == theirs.byEvent, "\(layout)", sourceLocation: sourceLocation)
        #expect(try count(store, "event == sched_switch && prev_state == S") == counts.sleeping, "\(layout)",
                sourceLocation: sourceLocation)
        if theirs.byEvent["softirq_entry"] != nil {
            #expect(try count(store, "event == softirq_entry && action == TIMER") == counts.timerSoftirqs, "\(layout)",
                    sourceLocation: sourceLocation)
            #expect(try count(store, "event == softirq_entry && vec == 1") == counts.timerSoftirqs, "\(layout)",
                    sourceLocation: sourceLocation)
        } else {
            let m = try RowMatcher(try FilterExpression.parse("action == TIMER"), store: store)
            #expect(m.unknownFields == ["action"], "no softirq in \(layout)", sourceLocation: sourceLocation)
        }
        #expect(try count(store, "event == sched_wakeup && target_cpu == 1") == counts.wakeupsToCPU1, "\(layout)",
                sourceLocation: sourceLocation)
        // Fields of both sides of the arrow, by name.
        let prevPrio = try count(store, "event == sched_switch && prev_prio >= 0")
        #expect(prevPrio == theirs.byEvent["sched_switch"], "\(layout)", sourceLocation: sourceLocation)
        #expect(try count(store, "next_comm =~ .") == prevPrio, "\(layout)", sourceLocation: sourceLocation)
    }

    @Test(arguments: ["report", "ts-diff", "latency"])
    func keptReportTextReadsAsTraceCmdDecodes(layout: String) async throws {
        let text = try String(contentsOfFile: "\(Self.fixtures)/sched-softirq.\(layout).txt", encoding: .utf8)
        try await Self.expectSame(text: text, dat: Self.fixtures + "/sched-softirq.dat", counts: Self.keptCounts,
                                  layout: layout)
    }

    /// The same layouts printed now by trace-cmd, from the kept trace.dat and from a new recording.
    @Test(.enabled(if: traceCmd != nil, "trace-cmd is not installed"))
    func traceCmdOutputNowReadsAsTraceCmdDecodes() async throws {
        var dats = [Self.fixtures + "/sched-softirq.dat", Self.fixtures + "/sched-sleep.dat"]
        let fresh = NSTemporaryDirectory() + "tracetui-softirq-\(getpid()).dat"
        defer { unlink(fresh) }
        if Self.record(fresh) { dats.append(fresh) }
        for dat in dats {
            let counts = try Self.traceCmdCounts(dat)
            if dat.hasSuffix("sched-softirq.dat") { #expect(counts == Self.keptCounts) }
            for (layout, flags) in [("report", [String]()), ("ts-diff", ["--ts-diff"]), ("latency", ["-l"])] {
                let text = try UftraceTool.run([Self.traceCmd!, "report"] + flags + [dat])
                try await Self.expectSame(text: text, dat: dat, counts: counts, layout: "\(layout) of \(dat)")
            }
        }
    }

    /// Tests/record-trace-dat.sh (our own tracefs instance, under tracetui's tracefs lock).
    static func record(_ out: String) -> Bool {
        let script = URL(fileURLWithPath: fixtures).deletingLastPathComponent().appendingPathComponent("record-trace-dat.sh").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script, out]
        var env = ProcessInfo.processInfo.environment
        env["TRACE_EVENTS"] = "irq/softirq_entry irq/softirq_exit sched/sched_switch sched/sched_wakeup"
        env["WORKLOAD"] = "sleep 0.05"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        do { try p.run() } catch { return false }
        let reason = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus != 0 { print("no new recording: \(reason)") }
        return p.terminationStatus == 0
    }

    /// A filter on a field no event has says so (the viewer's status line and `dump --filter` show it).
    @Test func aFieldNoEventHasIsNamed() throws {
        let text = try String(contentsOfFile: "\(Self.fixtures)/sched-softirq.report.txt", encoding: .utf8)
        let store = Self.store(text)
        let m = try RowMatcher(try FilterExpression.parse("prev_stat == S || next_pid > 0 && comm == bash || nope =~ x"),
                               store: store)
        #expect(m.unknownFields == ["prev_stat", "nope"])
        #expect(try RowMatcher(try FilterExpression.parse("action == TIMER"), store: store).unknownFields.isEmpty)
    }
}
