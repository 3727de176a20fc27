import Foundation
import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Call lanes of the timeline: the top-level calls of a function_graph trace per CPU as named slices, drawn from
/// the same power-of-two summaries as the CPU lanes.
@Suite("Timeline call lanes")
struct TimelineCallLaneTests {
    /// Two CPUs with abstime: on CPU 0 `outer()` (inner calls nested) then `leaf()`, on CPU 1 `other()`.
    static let trace = """
        # tracer: function_graph
        #
        #     TIME        CPU  DURATION                  FUNCTION CALLS
        #      |          |     |   |                     |   |   |   |
         100.000000 |   0)               |  outer() {
         100.000100 |   0)   50.000 us   |    inner();
         100.000400 |   0) ! 400.000 us  |  }
         100.000500 |   1)               |  other() {
         100.000600 |   1)   20.000 us   |    deep();
         100.001000 |   1) ! 500.000 us  |  }
         100.001500 |   0) + 10.000 us   |  leaf();
         100.002000 |   0)   1.000 us    |  tail();

        """

    static func samplesDirectory() -> String { LatencyViewTests.samplesDirectory() }

    @Test func topLevelCallsPerCPUWithTheirTimes() throws {
        let store = Fixtures.snapshot(Self.trace).store
        let tl = store.timeline(callLanes: true)
        let calls = tl.calls
        #expect(calls.lanes.map(\.label) == ["calls 0", "calls 1"])
        #expect(calls.lanes.map(\.calls) == [3, 1])
        let cpu0 = calls.lanes[0]
        #expect(calls.name(cpu0.function(at: 100_000_000_000)) == "outer")
        #expect(calls.name(cpu0.function(at: 100_000_399_999)) == "outer")
        #expect(cpu0.function(at: 100_000_400_000) == CallLane.gap)
        #expect(calls.name(cpu0.function(at: 100_001_505_000)) == "leaf")
        #expect(calls.name(calls.lanes[1].function(at: 100_000_700_000)) == "other")
        // Nested calls are not top-level: no lane names them.
        #expect(!calls.names.contains("inner") && !calls.names.contains("deep"))
        // Without asking, no call lanes (the text and json outputs are unchanged).
        #expect(store.timeline().calls.lanes.isEmpty)
    }

    @Test func summariesAgreeWithTheExactCellsAtEveryZoom() throws {
        // 4,000 calls of 3 functions on one CPU: zoomed out, cells come from the summaries.
        var lines = ["# tracer: function_graph", "#"]
        var t: Int64 = 1_000_000_000
        let names = ["alpha", "beta", "gamma"]
        for k in 0..<4000 {
            let d = Int64(1000 + (k % 7) * 500)
            let s = String(format: "%d.%09d", t / 1_000_000_000, t % 1_000_000_000)
            lines.append(" \(s) |   0)   \(String(format: "%.3f", Double(d) / 1000)) us    |  \(names[k % 3 == 2 ? 2 : k % 2])();")
            t += d + 2000
        }
        let store = Fixtures.snapshot(lines.joined(separator: "\n") + "\n").store
        let lane = try #require(store.timeline(callLanes: true).calls.lanes.first)
        #expect(lane.calls == 4000)
        var width: Int64 = 1 << 24
        while width >= 1000 {
            let from = store.timestamp(0)
            let summed = lane.runs.cells(from: from, width: width, count: 80)
            let exact = lane.runs.cells(from: from, width: width, count: 80, exactLimit: .max)
            // The summaries name a call that ran in the cell (the longest one when one holds most of it).
            let runs = lane.runs
            for (c, (s, e)) in zip(summed, exact).enumerated() {
                #expect(s.switches == e.switches)
                #expect((s.task == -1) == (e.task == -1))
                let a = from + Int64(c) * width, b = a + width
                var ran = Set<Int32>()
                for j in 0..<runs.runCount where runs.times[j] < b && runs.times[j + 1] > a { ran.insert(runs.runTasks[j]) }
                #expect(s.task == -1 || ran.contains(s.task), "cell \(c) at \(width) ns/col")
            }
            width /= 4
        }
    }

    static func sampleApp(_ keys: [Key]) async throws -> TraceApp {
        let path = samplesDirectory() + "/function_graph/kernel-doc-ftrace-funcgraph-abstime.txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            print("skipped: \(path) not found (set TRACETUI_SAMPLES)")
            throw SkipSample()
        }
        return await GoldenScreenTests.app(Fixtures.app(text), keys: keys)
    }

    struct SkipSample: Error {}

    @Test(arguments: [(80, 24), (20, 6)])
    func aRealFunctionGraphTraceMatchesItsGolden(width: Int, height: Int) async throws {
        guard var app = try? await Self.sampleApp([.char("7")]) else { return }
        let view = try #require(app.timeline)
        #expect(view.timeline.calls.lanes.map(\.label) == ["calls 1"])
        Golden.check(app.draw(width: width, height: height), "timeline-calls-\(width)x\(height)")
    }

    @Test func bracketsWalkTheCallsAndTheStatusNamesTheCall() async throws {
        var app = await GoldenScreenTests.app(Fixtures.app(Self.trace), keys: [.char("7")])
        _ = app.draw(width: 80, height: 24)
        let view = try #require(app.timeline)
        // No CPU lanes (no sched_switch): the call lanes come first.
        #expect(view.laneCount == 2 + 1 + view.timeline.events.count)
        #expect(app.message == nil)
        _ = app.handle(.char("]"))
        #expect(app.timeline?.cursor == 100_000_400_000)
        _ = app.handle(.char("]"))
        #expect(app.timeline?.cursor == 100_001_500_000)
        let text = app.draw(width: 80, height: 24).text
        #expect(text.contains("leaf"))
        #expect(text.contains("outer"))
    }
}
