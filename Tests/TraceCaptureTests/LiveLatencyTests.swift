import Foundation
import Glibc
import Testing
@testable import TraceCapture
@testable import TraceModel

/// The live latency view measures rows from the records' typed values (`TypedFields`, taken by the reader as it
/// formats each record) and only the rows new since its last refresh; `tracetui latency` of the same events saved
/// reads their text in one pass. Both must give the same report.
@Suite("Live latency from typed fields", .serialized)
struct LiveLatencyTests {
    @Test(.enabled(if: LiveCaptureTests.available))
    func incrementalTypedMeasurementEqualsTheSavedTextsReport() async throws {
        let traced = try LatencyLoad(rounds: 15, reads: 3000, sleep: "0.01")
        defer { traced.finish() }
        let (instance, load) = (traced.instance, traced.process)
        let reader = RawEventReader(instance: instance)
        defer { reader.close() }
        traced.go()
        var live = EventStore(), saved = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        var analyzer = LatencyAnalyzer(LatencyOptions(worst: 50))
        var refreshes = 0
        for _ in 0..<1000 {
            try await Task.sleep(for: .milliseconds(20))
            let exited = !load.isRunning
            // As the viewer: new text every tick while the load keeps the buffers full, measured at once.
            var undecoded = 0
            func take(_ ranges: [RawEventReader.TextRange]) {
                for r in ranges {
                    guard let decoded = r.decoded else {
                        undecoded += 1
                        continue
                    }
                    live.append(parser.parse(r.block, range: r.range, decoded: decoded))
                    saved.append(parser.parse(r.block, range: r.range))
                }
                analyzer.consume(live)
                refreshes += 1
            }
            take(reader.drain { ranges in
                take(ranges)
                return false
            })
            #expect(undecoded == 0, "the viewer's reader keeps the columns")
            if exited { break }
        }
        #expect(!load.isRunning)
        #expect(reader.missed == 0)
        var kinds = [Int](repeating: 0, count: 8)
        for c in live.chunks { for i in 0..<c.count { kinds[Int(c.latencyValues(i).kind)] += 1 } }
        // Switches, wakeups, runtimes, raw syscalls, sys_exit_openat's returns, irqs: each kind read typed.
        #expect(kinds[1] > 10 && kinds[2] > 10 && kinds[4] > 1000 && kinds[5] > 10,
                "typed rows by kind: \(kinds), events: \(live.summary.byEvent)")
        #expect(saved.chunks.allSatisfy { !$0.hasLatencyValues }, "the saved text has no typed values")
        let whole = saved.latency(LatencyOptions(worst: 50))
        #expect(refreshes > 2)
        #expect(!whole.sched.isEmpty && !whole.syscalls.isEmpty, "\(LatencyReportFormat.text(whole, sections: [.sched, .syscalls]))")
        #expect(whole.syscalls.first { $0.name == "openat" }.map { $0.errors >= 15 } == true)
        #expect(whole.sched.contains { $0.sleep > 0 }, "switched out asleep, then woken")
        if kinds[3] > 0 { #expect(whole.sched.contains { $0.runtime > 0 }, "sched_stat_runtime read (a u64: hex in the field form)") }
        let incremental = analyzer.report()
        #expect(Self.difference(incremental, whole) == nil)
        // And one pass over the typed rows too.
        #expect(Self.difference(live.latency(LatencyOptions(worst: 50)), whole) == nil)
    }

    /// The first section whose rows differ, named with its first differing row (nil: the same report).
    static func difference(_ a: LatencyReport, _ b: LatencyReport) -> String? {
        func first<T: Equatable>(_ name: String, _ x: [T], _ y: [T]) -> String? {
            guard x != y else { return nil }
            let k = (0..<min(x.count, y.count)).first { x[$0] != y[$0] } ?? min(x.count, y.count)
            return "\(name): \(x.count) vs \(y.count) rows, row \(k): \(k < x.count ? "\(x[k])".prefix(300) : "none") vs \(k < y.count ? "\(y[k])".prefix(300) : "none")"
        }
        return first("sched", a.sched, b.sched) ?? first("syscalls", a.syscalls, b.syscalls)
            ?? first("syscallsByTask", a.syscallsByTask, b.syscallsByTask) ?? first("irq", a.irq, b.irq)
            ?? first("block", a.block, b.block) ?? first("notes", a.notes, b.notes)
    }
}
