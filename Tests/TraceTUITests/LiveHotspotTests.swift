import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Live, the hotspot table follows the capture: the app asks for a rebuild when the store grows, the table is
/// built elsewhere (`HotspotRefresh.build`) and swapped in with the view's place kept.
@Suite("Live hotspots")
struct LiveHotspotTests {
    static func sample(_ leaf: String, cpu: Int) -> String {
        "app 10/11 [00\(cpu)] 1.000000: 1 cpu-clock: \n\t1 \(leaf) (/bin/app)\n\t3 main (/bin/app)\n\n"
    }

    static func snapshot(_ text: String, generation: Int, sampling: Bool = true) -> TraceSnapshot {
        var s = TraceSnapshot(source: "live sampling", store: EventStore(parsing: OwnedBytes(Array(text.utf8))),
                              progress: LoadProgress(finished: true), generation: generation)
        s.live = LiveStatus()
        if sampling {
            var status = SamplingStatus(event: "cpu-clock", frequency: 99)
            status.standalone = true
            s.sampling = status
        }
        return s
    }

    /// What the executable's refresher does, without the background task.
    static func refresh(_ app: inout TraceApp) -> Bool {
        guard let request = app.hotspotRefreshRequest() else { return false }
        app.apply(HotspotRefresh.build(request))
        return true
    }

    @Test func tableFollowsNewSamplesAndKeepsTheSelectedEntry() {
        let first = Self.sample("spin", cpu: 0) + Self.sample("spin", cpu: 1) + Self.sample("idle", cpu: 0)
        var app = TraceApp(snapshot: Self.snapshot(first, generation: 1))
        app.openHotspotsWhenLive()
        app.update(Self.snapshot(first, generation: 1))
        #expect(app.focus == .hotspots)
        // Nothing is built on the UI thread: the screen says so until the table arrives.
        var canvas = Fixtures.render(&app, width: 80, height: 8)
        #expect(HotspotScreenTests.rows(canvas)[0].contains("building the hotspot table"))
        #expect(Self.refresh(&app))
        #expect(!Self.refresh(&app), "no rebuild while the store is unchanged")
        canvas = Fixtures.render(&app, width: 80, height: 8)
        #expect(HotspotScreenTests.rows(canvas)[0].hasPrefix(" Samples: 3 "))
        // Select `idle` (the last entry), then more samples arrive that make it lead.
        _ = app.handle(.char("G"))
        let more = first + String(repeating: Self.sample("idle", cpu: 1), count: 5)
        app.update(Self.snapshot(more, generation: 2))
        #expect(Self.refresh(&app))
        canvas = Fixtures.render(&app, width: 80, height: 8)
        let rows = HotspotScreenTests.rows(canvas)
        #expect(rows[0].hasPrefix(" Samples: 8 "))
        #expect(rows[2].hasSuffix("main") && rows[3].hasSuffix("idle"), "\(rows)")
        #expect(rows.last!.contains("cpu-clock 99 Hz"))
        // The cursor stayed on `idle`, now the second row.
        #expect(canvas.row(3).contains("idle"))
        #expect(app.hotspots?.cursor == 1)
    }

    @Test func pausedViewIsNotRebuilt() {
        let text = Self.sample("spin", cpu: 0)
        var app = TraceApp(snapshot: Self.snapshot(text, generation: 1))
        _ = app.handle(.char("3"))
        #expect(Self.refresh(&app))
        _ = app.handle(.char(" "))
        app.update(Self.snapshot(text + text, generation: 2))
        #expect(!Self.refresh(&app))
        _ = app.handle(.char(" "))
        #expect(Self.refresh(&app))
    }

    @Test func eventCountsRefreshLiveToo() {
        let line = "            bash-100   [000] .....  1.000000: sched_switch: prev_comm=bash prev_pid=100\n"
        var app = TraceApp(snapshot: Self.snapshot(line, generation: 1, sampling: false))
        _ = app.handle(.char("3"))
        #expect(Self.refresh(&app))
        var canvas = Fixtures.render(&app, width: 80, height: 6)
        #expect(HotspotScreenTests.rows(canvas)[0].hasPrefix(" Events: 1 "))
        app.update(Self.snapshot(String(repeating: line, count: 4), generation: 2, sampling: false))
        #expect(Self.refresh(&app))
        canvas = Fixtures.render(&app, width: 80, height: 6)
        #expect(HotspotScreenTests.rows(canvas)[0].hasPrefix(" Events: 4 "))
    }

    @Test func replayNeverAsksForARefresh() {
        var app = HotspotScreenTests.app()
        _ = app.handle(.char("3"))
        #expect(app.hotspotRefreshRequest() == nil)
    }
}
