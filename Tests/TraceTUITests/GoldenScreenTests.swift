import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Every view as a whole screen, at a normal size and a tiny one, against its golden file.
@Suite("Golden screens")
struct GoldenScreenTests {
    /// The screens: a name and how to get the app there.
    static let screens: [(String, @Sendable () async -> TraceApp)] = [
        ("stream", { Fixtures.app() }),
        ("stream-detail", { await Self.app(Fixtures.app(), keys: [.char("j"), .char("j"), .enter]) }),
        ("stream-filter", { await Self.app(Fixtures.app(), keys: [.char("f")] + Self.keys("event == sched_switch") + [.enter]) }),
        ("help", { await Self.app(Fixtures.app(), keys: [.char("?")]) }),
        ("export-menu", { await Self.app(Fixtures.app(), keys: [.char("x")]) }),
        ("call-tree", { await Self.app(Fixtures.app(CallTreeScreenTests.graph), keys: [.tab]) }),
        ("call-tree-merged", { await Self.app(Fixtures.app(CallTreeScreenTests.graph), keys: [.tab, .char("v")]) }),
        ("hotspots", { await Self.app(HotspotScreenTests.app(), keys: [.char("3"), .char("j"), .enter]) }),
        ("flame", { await Self.app(HotspotScreenTests.app(), keys: [.char("4")]) }),
        ("system-panes", { await Self.app(SystemPanesAppTests.app(), keys: [.char("5")]) }),
        ("system-table", { await Self.app(SystemPanesAppTests.app(), keys: [.char("5"), .char("v")]) }),
        ("dashboard", { await Self.app(SystemPanesAppTests.app(), keys: [.char("0")]) }),
        ("event-picker", { await Self.app(Self.live(), keys: [.char("e")]) }),
        ("latency", { await Self.app(try! LatencyViewTests.app(), keys: [.char("6")]) }),
        ("latency-irq", { await Self.app(try! LatencyViewTests.app(), keys: [.char("6"), .right, .right]) }),
        ("latency-worst", { await Self.app(try! LatencyViewTests.app(), keys: [.char("6"), .enter]) }),
    ]

    static func keys(_ text: String) -> [Key] { text.map { .char($0) } }

    /// The app after `keys`, with every job they started run to its end.
    static func app(_ start: TraceApp, keys: [Key]) async -> TraceApp {
        var app = start
        for key in keys { await app.settle(app.handle(key)) }
        return app
    }

    static func live() -> TraceApp {
        var status = LiveStatus()
        status.availableEvents = ["irq:irq_handler_entry", "sched:sched_switch", "sched:sched_wakeup"]
        status.enabledEvents = ["sched:sched_switch"]
        status.eventsPerSecond = 1234
        var app = TraceApp(snapshot: LiveScreenTests.liveSnapshot(status, lines: 5, generation: 1))
        _ = app.handle(.snapshot(LiveScreenTests.liveSnapshot(status, lines: 5, generation: 1)))
        return app
    }

    @Test(arguments: [(80, 24), (20, 6)])
    func everyViewMatchesItsGolden(width: Int, height: Int) async {
        for (name, make) in Self.screens {
            var app = await make()
            Golden.check(app.draw(width: width, height: height), "\(name)-\(width)x\(height)")
        }
    }
}
