import Foundation
import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Key 6 on a real Android trace with scheduler, irq and softirq events: the view shows what the latency passes
/// measure (the passes themselves are checked against perf sched latency, perf trace -s and trace-cmd elsewhere),
/// over the rows the stream's filter and markers leave, and leads from a number to its events.
@Suite("Latency view")
struct LatencyViewTests {
    static let sample = "events/tracecompass-trace-android-sched-irq-softirq.txt"

    static func samplesDirectory() -> String {
        if let env = ProcessInfo.processInfo.environment["TRACETUI_SAMPLES"] { return env }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/samples").path
    }

    static func text() throws -> String {
        try String(contentsOfFile: samplesDirectory() + "/" + sample, encoding: .utf8)
    }

    static func app() throws -> TraceApp {
        var app = TraceApp(snapshot: Fixtures.snapshot(try text()))
        _ = app.handle(.snapshot(Fixtures.snapshot(try text())))
        return app
    }

    static func opened(_ keys: [Key] = []) async throws -> TraceApp {
        await GoldenScreenTests.app(try app(), keys: [.char("6")] + keys)
    }

    @Test func sixShowsTheSchedulingDelaysThePassesMeasure() async throws {
        var app = try await Self.opened()
        #expect(app.focus == .latency)
        let view = try #require(app.latency)
        let report = try #require(view.report)
        let expected = app.store.latency(LatencyOptions(worst: 50))
        #expect(report.sched == expected.sched && !report.sched.isEmpty)
        // Sorted by the longest delay, as perf sched latency sorts.
        let shown = view.rows
        #expect(shown.count == expected.sched.count)
        #expect(shown.first?.stats.max == expected.sched.map(\.delay.max).max())
        let screen = app.draw(width: 120, height: 30)
        #expect(screen.text.contains(shown[0].label))
        #expect(screen.row(0).contains("sched") && screen.row(0).contains("scheduling delay"), "\(screen.text)")
    }

    @Test func arrowsMoveBetweenSectionsAndTheIrqSectionListsHandlers() async throws {
        var app = try await Self.opened()
        await app.settle(app.handle(.right))
        #expect(app.latency?.section == .syscalls)
        await app.settle(app.handle(.right))
        #expect(app.latency?.section == .irq)
        let expected = app.store.latency().irq
        #expect(!expected.isEmpty)
        #expect(app.latency?.rows.count == expected.count)
        await app.settle(app.handle(.left))
        await app.settle(app.handle(.left))
        #expect(app.latency?.section == .sched)
    }

    @Test func enterListsTheWorstAndEnterAgainShowsItsEventsInTheStream() async throws {
        var app = try await Self.opened([.enter])
        let row = try #require(app.latency?.selected)
        #expect(app.latency?.occurrences != nil)
        let worst = row.stats.worst[0]
        #expect(worst.duration == row.stats.max)
        await app.settle(app.handle(.enter))
        #expect(app.focus == .stream)
        #expect(app.stream.selectedRow(app.store) == worst.startRow)
        #expect(app.stream.highlight == worst.startRow...worst.endRow)
        // The rows are the wakeup and the switch that ran the task.
        #expect(app.store.eventNames[Int(app.store.eventID(worst.startRow))].hasPrefix("sched_wak"))
        #expect(app.store.eventNames[Int(app.store.eventID(worst.endRow))] == "sched_switch")
    }

    @Test func theStreamFilterAndTheGroupingMeasureAgain() async throws {
        var app = try Self.app()
        for key in [Key.char("f")] + GoldenScreenTests.keys("line !~ \"android.display\"") + [.enter] { await app.settle(app.handle(key)) }
        while app.stream.filteredRows(app.store)?.complete == false { _ = app.handle(AppEvent.tick) }
        await app.settle(app.handle(.char("6")))
        let filtered = try #require(app.stream.filteredRows(app.store)).rows.map { Int($0) }
        let expected = app.store.latency(LatencyOptions(scope: LatencyScope(selection: filtered), worst: 50))
        #expect(app.latency?.report?.sched == expected.sched)
        #expect(app.latency?.scopeLabel == "filter")
        #expect(!expected.sched.contains { $0.comm == "android.display" }, "the filter took android.display away")
        #expect(app.store.latency(LatencyOptions(worst: 50)).sched.contains { $0.comm == "android.display" })
        await app.settle(app.handle(.char("t")))
        let byThread = app.store.latency(LatencyOptions(grouping: .pid, scope: LatencyScope(selection: filtered), worst: 50))
        #expect(app.latency?.report?.sched == byThread.sched)
        #expect(app.latency?.grouping == .pid)
    }

    @Test func liveTheReportGrowsWithTheCaptureAndEqualsAWholeMeasurement() async throws {
        let lines = try Self.text().split(separator: "\n", omittingEmptySubsequences: false)
        func snapshot(_ n: Int, _ generation: Int) -> TraceSnapshot {
            var s = Fixtures.snapshot(lines.prefix(n).joined(separator: "\n") + "\n")
            s.live = LiveStatus()
            s.generation = generation
            return s
        }
        var app = TraceApp(snapshot: snapshot(lines.count / 2, 1))
        _ = app.handle(.snapshot(snapshot(lines.count / 2, 1)), at: .seconds(1))
        await app.settle(app.handle(.char("6")))
        let half = try #require(app.latency?.report)
        await app.settle(app.handle(.snapshot(snapshot(lines.count, 2)), at: .seconds(1)))
        #expect(app.latency?.report == half, "at most one refresh a second")
        await app.settle(app.handle(.tick, at: .seconds(3)))
        let whole = app.store.latency(LatencyOptions(worst: 50))
        #expect(app.latency?.report?.sched == whole.sched)
        #expect(app.latency?.report?.irq == whole.irq)
    }
}
