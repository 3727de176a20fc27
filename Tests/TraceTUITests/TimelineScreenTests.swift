import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The timeline view (key 7) in the app: its screens against goldens at 80×24 and 20×6, and what its keys do.
@Suite("Timeline screen")
struct TimelineScreenTests {
    static func sw(_ a: String, _ ap: Int, _ state: String, _ b: String, _ bp: Int) -> String {
        "prev_comm=\(a) prev_pid=\(ap) prev_prio=120 prev_state=\(state) ==> next_comm=\(b) next_pid=\(bp) next_prio=120"
    }

    /// Two CPUs over 2 ms: bash and make take turns on CPU 0, cc1 runs on CPU 1 between idle stretches, a wakeup
    /// and a lost-event line.
    static let trace: String = {
        let lines: [(String, Int, Int, String, String, String)] = [
            ("<idle>", 0, 0, "1.000000", "sched_switch", sw("swapper/0", 0, "R", "bash", 100)),
            ("<idle>", 0, 1, "1.000050", "sched_switch", sw("swapper/1", 0, "R", "cc1", 300)),
            ("bash", 100, 0, "1.000400", "sched_switch", sw("bash", 100, "S", "make", 200)),
            ("make", 200, 0, "1.000600", "sched_waking", "comm=bash pid=100 prio=120 target_cpu=000"),
            ("cc1", 300, 1, "1.000700", "irq_handler_entry", "irq=24 name=virtio0"),
            ("cc1", 300, 1, "1.000705", "irq_handler_entry", "irq=24 name=virtio0"),
            ("cc1", 300, 1, "1.000900", "sched_switch", sw("cc1", 300, "D", "swapper/1", 0)),
            ("make", 200, 0, "1.001000", "sched_switch", sw("make", 200, "R+", "bash", 100)),
            ("<idle>", 0, 1, "1.001300", "sched_switch", sw("swapper/1", 0, "R", "cc1", 300)),
            ("bash", 100, 0, "1.001600", "sched_switch", sw("bash", 100, "S", "make", 200)),
            ("cc1", 300, 1, "1.001900", "sched_switch", sw("cc1", 300, "S", "swapper/1", 0)),
            ("make", 200, 0, "1.002000", "sched_switch", sw("make", 200, "S", "swapper/0", 0)),
        ]
        return "# tracer: nop\n" + lines.map { "\($0.0)-\($0.1) [00\($0.2)] d..2. \($0.3): \($0.4): \($0.5)" }
            .joined(separator: "\n") + "\nCPU:1 [LOST 3 EVENTS]\n"
    }()

    static func app(_ keys: [Key] = [.char("7")]) async -> TraceApp {
        await GoldenScreenTests.app(Fixtures.app(trace), keys: keys)
    }

    @Test(arguments: [(80, 24), (20, 6)])
    func timelineMatchesItsGolden(width: Int, height: Int) async {
        var app = await Self.app()
        Golden.check(app.draw(width: width, height: height), "timeline-\(width)x\(height)")
        var pinned = await Self.app([.char("7"), .char("l"), .char("l"), .char("l"), .char("p")])
        Golden.check(pinned.draw(width: width, height: height), "timeline-pinned-\(width)x\(height)")
    }

    @Test func markersAndAOpenTheRangePanel() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("]"))
        _ = app.handle(.char("m"))
        for _ in 0..<3 { _ = app.handle(.char("]")) }
        _ = app.handle(.char("M"))
        await app.settle(app.handle(.char("a")))
        let view = try #require(app.timeline)
        #expect(view.markers.a == 1_000_400_000 && view.markers.b == 1_002_000_000)
        let sums = try #require(view.aggregate)
        #expect(sums.tasks.first { $0.pid == 100 }?.cpu == [0: 600_000])
        #expect(app.stream.markerA != nil && app.stream.markerB != nil)
        Golden.check(app.draw(width: 80, height: 24), "timeline-range-80x24")
    }

    @Test func opensOnKey7WithOneLanePerCPU() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        #expect(app.focus == .timeline)
        let view = try #require(app.timeline)
        #expect(view.timeline.cpus.map(\.cpu) == [0, 1])
        // CPUs, all events, irq_handler_entry.
        #expect(view.laneCount == 4)
        #expect(view.timeline.events.map(\.name) == ["irq_handler_entry"])
        #expect(view.timeline.events[0].counts(from: 1_000_000_000, width: 500_000, count: 4) == [0, 2, 0, 0])
    }

    @Test func aLargeScreenFillsEveryColumn() async throws {
        var app = await Self.app()
        let canvas = app.draw(width: 400, height: 120)
        let lanes = canvas.text.split(separator: "\n").map(String.init)
        #expect(lanes[3].hasPrefix("cpu 0"))
        #expect(lanes[3].count == 400 && !lanes[3].hasSuffix(" "))
        #expect(app.timeline?.columns == 388)
    }

    @Test func zoomKeepsTheCursorColumnAndReachesOneNanosecond() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        for _ in 0..<10 { _ = app.handle(.char("l")) }
        let before = try #require(app.timeline)
        _ = app.handle(.char("+"))
        _ = app.draw(width: 80, height: 24)
        let after = try #require(app.timeline)
        #expect(after.cellWidth * 2 <= before.cellWidth + 1)
        #expect(after.cursor == before.cursor)
        #expect(after.cursorColumn == before.cursorColumn)
        for _ in 0..<40 { _ = app.handle(.char("+")) }
        _ = app.draw(width: 80, height: 24)
        #expect(app.timeline?.cellWidth == 1)
        _ = app.handle(.escape)
        #expect(app.timeline?.from == before.timeline.start)
    }

    @Test func bracketsJumpBetweenSwitchesOnTheLane() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("]"))
        #expect(app.timeline?.cursor == 1_000_400_000)
        _ = app.handle(.char("]"))
        #expect(app.timeline?.cursor == 1_001_000_000)
        _ = app.handle(.char("["))
        #expect(app.timeline?.cursor == 1_000_400_000)
        // CPU 1's lane.
        _ = app.handle(.char("j"))
        _ = app.handle(.char("]"))
        #expect(app.timeline?.cursor == 1_000_900_000)
    }

    @Test func enterOpensTheEventsAtTheCursorInTheStream() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("]"))
        _ = app.handle(.char("]"))
        _ = app.handle(.enter)
        #expect(app.focus == .stream)
        let row = try #require(app.stream.selectedRow(app.store))
        #expect(app.store.timestamp(row) == 1_001_000_000)
    }

    @Test func pinningAddsTheTaskStateLane() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("]"))
        _ = app.handle(.char("]"))
        // The cursor is at 1.001000 on CPU 0, where bash runs: pin it.
        await app.settle(app.handle(.char("p")))
        let view = try #require(app.timeline)
        #expect(view.pinned == [100])
        let lane = try #require(view.timeline.taskLane(pid: 100))
        #expect(lane.states == [.running, .sleeping, .runnable, .running])
        #expect(view.laneCount == 5)
    }

    @Test func theStreamCursorFollowsTheTimelineCursorAndBack() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("]"))
        _ = app.handle(.char("]"))
        // Moving in the timeline moves the stream's cursor (and the panes that follow it) to that time.
        let row = try #require(app.stream.selectedRow(app.store))
        #expect(app.store.timestamp(row) == 1_001_000_000)
        // Back in the stream, a move there is where the timeline opens next.
        _ = app.handle(.char("1"))
        _ = app.handle(.char("j"))
        _ = app.handle(.char("j"))
        let moved = try #require(app.stream.selectedRow(app.store))
        _ = app.handle(.char("7"))
        #expect(app.timeline?.cursor == app.store.timestamp(moved))
    }

    @Test func theWheelZoomsTheTimeline() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        let before = try #require(app.timeline?.cellWidth)
        _ = app.handle(.wheelUp())
        #expect(try #require(app.timeline?.cellWidth) < before)
        _ = app.handle(.wheelDown())
        #expect(app.timeline?.cellWidth == before)
    }

    @Test func liveTheLanesGrowAndTheCursorFollowsTheNewestTime() async throws {
        let status = LiveStatus()
        var app = TraceApp(snapshot: LiveScreenTests.liveSnapshot(status, lines: 10, generation: 1))
        _ = app.handle(.snapshot(LiveScreenTests.liveSnapshot(status, lines: 10, generation: 1)))
        await app.settle(app.handle(.char("7")))
        _ = app.draw(width: 80, height: 24)
        #expect(app.timeline?.timeline.switches == 10)
        await app.settle(app.handle(.snapshot(LiveScreenTests.liveSnapshot(status, lines: 20, generation: 2))))
        let view = try #require(app.timeline)
        #expect(view.timeline.switches == 20)
        #expect(view.cursor == view.timeline.end)
        // Paused, the lanes stay as they are.
        _ = app.handle(.char(" "))
        let effects = app.handle(.snapshot(LiveScreenTests.liveSnapshot(status, lines: 30, generation: 3)))
        #expect(effects.jobs.isEmpty)
    }

    @Test func pInTheStreamPinsTheRowsTask() async throws {
        var app = Fixtures.app(Self.trace)
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("j"))
        _ = app.handle(.char("j"))
        // The third row is bash's switch (pid 100).
        await app.settle(app.handle(.char("p")))
        #expect(app.focus == .stream)
        #expect(app.timeline?.pinned == [100])
        await app.settle(app.handle(.char("7")))
        #expect(app.timeline?.timeline.taskLane(pid: 100) != nil)
        await app.settle(app.handle(.char("1")))
        await app.settle(app.handle(.char("p")))
        #expect(app.timeline?.pinned.isEmpty == true)
    }

    @Test func theDashboardShowsTheTimelineWithThePanesAtItsCursor() async throws {
        var app = SystemPanesAppTests.app()
        await app.settle(app.handle(.char("7")))
        _ = app.handle(.char("0"))
        let canvas = app.draw(width: 100, height: 30)
        #expect(app.focus == .timeline && app.dashboard)
        #expect(canvas.text.contains("cpu 0") && canvas.text.contains("System at"), "\(canvas.text)")
        Golden.check(canvas, "timeline-dashboard-100x30")
    }
}
