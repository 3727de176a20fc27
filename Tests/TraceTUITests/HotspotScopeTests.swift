import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The hotspot table and the flame graph cover what the stream shows: its filter and the A–B markers.
@Suite("Hotspots follow the stream's filter and markers")
struct HotspotScopeTests {
    @Test func streamFilterNarrowsTheTable() async throws {
        var app = HotspotScreenTests.app()  // three samples: CPUs 0, 1, 0
        await app.press(.char("3"))
        #expect(app.hotspots?.table.totalCount == 3)
        await app.press(.char("1"))
        _ = app.handle(.char("f"))
        Fixtures.type("cpu == 1", into: &app)
        // The built table is rebuilt by the job the filter starts (run here, as the loop runs it).
        await app.press(.enter)
        await app.press(.char("3"))
        let h = try #require(app.hotspots)
        #expect(h.table.totalCount == 1, "only CPU 1's sample")
        let symbols = h.table.order.map { h.table.label(.symbol, of: Int($0)) }
        #expect(Set(symbols) == ["main", "work", "spin"], "CPU 0's idle_loop is out: \(symbols)")
        await app.press(.char("4"))
        #expect(app.flame?.tree.value[0] == 1, "the flame graph too")
    }

    @Test func markersNarrowTheTable() async throws {
        var app = HotspotScreenTests.app()
        await app.press(.char("m"))  // A on the first sample
        await app.press(.char("j"))
        await app.press(.char("M"))  // B on the second
        await app.press(.char("3"))
        let h = try #require(app.hotspots)
        #expect(h.table.totalCount == 2, "the samples from A to B")
        #expect(!h.table.order.map { h.table.label(.symbol, of: Int($0)) }.contains("idle_loop"))
    }

    /// A table already built follows a changed filter at once (the dashboard shows it beside the stream): no
    /// second `3` needed, and clearing the filter brings every sample back.
    @Test func aBuiltTableFollowsTheFilterWithoutPressingThreeAgain() async throws {
        var app = HotspotScreenTests.app()
        await app.press(.char("3"))
        await app.press(.char("4"))
        await app.press(.char("1"))
        await app.press(.char("f"))
        for c in "cpu == 1" { await app.press(.char(c)) }
        await app.press(.enter)
        #expect(app.focus == .stream)
        #expect(app.hotspots?.table.totalCount == 1, "rebuilt for CPU 1's sample")
        #expect(app.flame?.tree.value[0] == 1, "the flame graph too")
        await app.press(.escape)
        #expect(app.hotspots?.table.totalCount == 3, "the filter cleared: every sample")
        await app.press(.char("m"))
        await app.press(.char("j"))
        await app.press(.char("M"))
        #expect(app.hotspots?.table.totalCount == 2, "the samples from A to B")
    }

    /// Event counts (a log with neither stacks nor calls) count only the rows the stream's filter and the A–B
    /// markers keep, as `perf report --cpu` would.
    @Test func eventCountsFollowTheFilterAndMarkers() async throws {
        let text = """
            bash-1   [000] .....  1.000000: sched_switch: prev_comm=bash prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=a next_pid=2 next_prio=120
               a-2   [001] .....  1.100000: sched_wakeup: comm=b pid=3 prio=120 target_cpu=001
               a-2   [001] .....  1.200000: sched_switch: prev_comm=a prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=b next_pid=3 next_prio=120
            bash-1   [000] .....  1.300000: sched_wakeup: comm=a pid=2 prio=120 target_cpu=001

            """
        var app = Fixtures.app(text)
        await app.press(.char("3"))
        #expect(app.hotspots?.source.kind == .events)
        #expect(app.hotspots?.table.total == 4)
        await app.press(.char("1"))
        await app.press(.char("f"))
        for c in "cpu == 1" { await app.press(.char(c)) }
        await app.press(.enter)
        let h = try #require(app.hotspots)
        #expect(h.table.total == 2, "CPU 1's two events")
        #expect(Set(h.table.order.map { h.table.label(.event, of: Int($0)) }) == ["sched_wakeup", "sched_switch"])
        await app.press(.escape)
        await app.press(.char("g"))
        await app.press(.char("m"))
        await app.press(.char("j"))
        await app.press(.char("M"))
        #expect(app.hotspots?.table.total == 2, "rows A to B")
        #expect(app.hotspots?.table.order.count == 2, "one sched_switch, one sched_wakeup")
    }
}
