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

    /// Runs the rebuild among `effects` (what the app asked for when it last handled an event) as the run
    /// loop's job runner would; false when it asked for none.
    static func refresh(_ app: inout TraceApp, _ effects: [Effect]) async -> Bool {
        let rebuilds = effects.jobs.filter { $0.key == "hotspots.refresh" }
        for job in rebuilds { _ = app.handle(await job.work(JobControl { _ in })) }
        return !rebuilds.isEmpty
    }

    @Test func tableFollowsNewSamplesAndKeepsTheSelectedEntry() async {
        let first = Self.sample("spin", cpu: 0) + Self.sample("spin", cpu: 1) + Self.sample("idle", cpu: 0)
        var app = TraceApp(snapshot: Self.snapshot(first, generation: 1))
        app.openHotspotsWhenLive()
        let opened = app.handle(.snapshot(Self.snapshot(first, generation: 1)))
        #expect(app.focus == .hotspots)
        // Nothing is built on the UI thread: the screen says so until the table arrives.
        var canvas = Fixtures.render(&app, width: 80, height: 8)
        #expect(HotspotScreenTests.rows(canvas)[0].contains("building the hotspot table"))
        #expect(await Self.refresh(&app, opened))
        #expect(!(await Self.refresh(&app, app.handle(.tick, at: .seconds(5)))), "no rebuild while the store is unchanged")
        canvas = Fixtures.render(&app, width: 80, height: 8)
        #expect(HotspotScreenTests.rows(canvas)[0].hasPrefix(" Samples: 3 "))
        // Select `idle` (the last entry), then more samples arrive that make it lead.
        _ = app.handle(.char("G"))
        let more = first + String(repeating: Self.sample("idle", cpu: 1), count: 5)
        #expect(await Self.refresh(&app, app.handle(.snapshot(Self.snapshot(more, generation: 2)), at: .seconds(6))))
        canvas = Fixtures.render(&app, width: 80, height: 8)
        let rows = HotspotScreenTests.rows(canvas)
        #expect(rows[0].hasPrefix(" Samples: 8 "))
        #expect(rows[2].hasSuffix("main") && rows[3].hasSuffix("idle"), "\(rows)")
        #expect(rows.last!.contains("cpu-clock 99 Hz"))
        // The cursor stayed on `idle`, now the second row.
        #expect(canvas.row(3).contains("idle"))
        #expect(app.hotspots?.cursor == 1)
    }

    @Test func pausedViewIsNotRebuilt() async {
        let text = Self.sample("spin", cpu: 0)
        var app = TraceApp(snapshot: Self.snapshot(text, generation: 1))
        #expect(await Self.refresh(&app, app.handle(.char("3"))))
        _ = app.handle(.key(.char(" ")), at: .seconds(5))
        #expect(!(await Self.refresh(&app, app.handle(.snapshot(Self.snapshot(text + text, generation: 2))))))
        #expect(await Self.refresh(&app, app.handle(.char(" "))))
    }

    @Test func rebuildsWaitHalfASecondAfterTheLast() async {
        let text = Self.sample("spin", cpu: 0)
        var app = TraceApp(snapshot: Self.snapshot(text, generation: 1))
        #expect(await Self.refresh(&app, app.handle(.key(.char("3")), at: .seconds(1))))
        let grown = app.handle(.snapshot(Self.snapshot(text + text, generation: 2)), at: .seconds(1) + .milliseconds(100))
        #expect(!(await Self.refresh(&app, grown)), "too soon after the last rebuild")
        #expect(app.nextDeadline() == .seconds(1) + .milliseconds(500), "the loop is woken when it is due")
        #expect(await Self.refresh(&app, app.handle(.tick, at: .seconds(1) + .milliseconds(500))))
    }

    /// Live, the table covers the stream's filter too: a new filter rebuilds it without new samples.
    @Test func liveTableFollowsTheStreamFilter() async {
        let text = Self.sample("spin", cpu: 0) + Self.sample("spin", cpu: 1) + Self.sample("idle", cpu: 0)
        var app = TraceApp(snapshot: Self.snapshot(text, generation: 1))
        #expect(await Self.refresh(&app, app.handle(.key(.char("3")), at: .seconds(1))))
        #expect(app.hotspots?.table.totalCount == 3)
        _ = app.handle(.key(.char("1")), at: .seconds(2))
        _ = app.handle(.key(.char("f")), at: .seconds(2))
        for c in "cpu == 1" { _ = app.handle(.key(.char(c)), at: .seconds(2)) }
        _ = app.handle(.key(.enter), at: .seconds(2))
        #expect(await Self.refresh(&app, app.handle(.key(.char("3")), at: .seconds(3))), "same store, new filter: rebuilt")
        #expect(app.hotspots?.table.totalCount == 1, "CPU 1's sample")
        #expect(!(await Self.refresh(&app, app.handle(.tick, at: .seconds(5)))), "nothing changed since")
    }

    @Test func eventCountsRefreshLiveToo() async {
        let line = "            bash-100   [000] .....  1.000000: sched_switch: prev_comm=bash prev_pid=100\n"
        var app = TraceApp(snapshot: Self.snapshot(line, generation: 1, sampling: false))
        #expect(await Self.refresh(&app, app.handle(.char("3"))))
        var canvas = Fixtures.render(&app, width: 80, height: 6)
        #expect(HotspotScreenTests.rows(canvas)[0].hasPrefix(" Events: 1 "))
        let grown = app.handle(.snapshot(Self.snapshot(String(repeating: line, count: 4), generation: 2, sampling: false)),
                               at: .seconds(5))
        #expect(await Self.refresh(&app, grown))
        canvas = Fixtures.render(&app, width: 80, height: 6)
        #expect(HotspotScreenTests.rows(canvas)[0].hasPrefix(" Events: 4 "))
    }

    @Test func replayNeverAsksForARefresh() {
        var app = HotspotScreenTests.app()
        let effects = app.handle(.char("3"))
        #expect(!effects.jobs.contains { $0.key == "hotspots.refresh" } && app.nextDeadline() == nil)
    }
}
