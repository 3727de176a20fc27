import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Pinned tasks of the timeline: `--task PID…` at start (`TraceApp.pinTasks`) and the task picker (`t`).
@Suite("Timeline pins")
struct TimelinePinsTests {
    static func app(pins: [Int32] = [], _ keys: [Key] = [.char("7")]) async -> TraceApp {
        var start = Fixtures.app(TimelineScreenTests.trace)
        start.pinTasks(pins)
        return await GoldenScreenTests.app(start, keys: keys)
    }

    @Test func taskPinsTheLanesFromTheFirstBuild() async throws {
        var app = await Self.app(pins: [300, 100, 100])
        _ = app.draw(width: 80, height: 24)
        let view = try #require(app.timeline)
        #expect(Set(view.pinned) == [100, 300])
        #expect(view.timeline.taskLanes.map(\.pid).sorted() == [100, 300])
        // 2 CPUs, 2 tasks, all events, irq_handler_entry.
        #expect(view.laneCount == 6)
        #expect(view.timeline.taskLane(pid: 300)?.states.first == .running)
        let text = app.draw(width: 80, height: 24).text
        #expect(text.contains("bash-100") && text.contains("cc1-300"))
    }

    @Test func aTaskPidTheTraceDoesNotNameIsSaidAndDropped() async throws {
        let app = await Self.app(pins: [100, 4242])
        #expect(app.timeline?.pinned == [100])
        #expect(app.message?.contains("4242") == true)
    }

    @Test func thePickerListsTasksBusiestFirstAndPinsWithSpace() async throws {
        var app = await Self.app()
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.char("t"))
        let picker = try #require(app.timeline?.picker)
        // cc1 ran 0.85 + 0.6 ms, bash 0.4 + 0.6, make 0.6 + 0.4 (a tie: the lower pid first).
        #expect(picker.entries.map(\.label) == ["cc1-300", "bash-100", "make-200"])
        #expect(picker.entries.map(\.runTime) == [1_450_000, 1_000_000, 1_000_000])
        Golden.check(app.draw(width: 80, height: 24), "timeline-picker-80x24")
        Golden.check(app.draw(width: 20, height: 6), "timeline-picker-20x6")
        // Typing narrows (and is not taken as the timeline's keys: `l` moves no cursor, `p` pins nothing).
        let cursor = app.timeline?.cursor
        for c in "mak" { _ = app.handle(.char(c)) }
        #expect(app.timeline?.picker?.matches.map(\.pid) == [200])
        #expect(app.timeline?.cursor == cursor)
        await app.settle(app.handle(.char(" ")))
        #expect(app.timeline?.pinned == [200])
        #expect(app.timeline?.timeline.taskLane(pid: 200) != nil)
        #expect(app.timeline?.picker != nil)
        // Space again unpins; Enter closes and keys are the timeline's again.
        await app.settle(app.handle(.char(" ")))
        #expect(app.timeline?.pinned.isEmpty == true)
        _ = app.handle(.enter)
        #expect(app.timeline?.picker == nil)
        #expect(app.focus == .timeline)
        _ = app.handle(.char("l"))
        #expect(app.timeline?.cursor != cursor)
    }

    @Test func thePickerSearchesPidsAndEscapeCloses() async throws {
        var app = await Self.app([.char("7"), .char("t")])
        _ = app.draw(width: 80, height: 24)
        for c in "300" { _ = app.handle(.char(c)) }
        #expect(app.timeline?.picker?.matches.map(\.label) == ["cc1-300"])
        _ = app.handle(.backspace)
        _ = app.handle(.backspace)
        _ = app.handle(.backspace)
        #expect(app.timeline?.picker?.matches.count == 3)
        _ = app.handle(.down)
        await app.settle(app.handle(.char(" ")))
        #expect(app.timeline?.pinned == [100])
        _ = app.handle(.escape)
        #expect(app.timeline?.picker == nil)
        // Esc closed the picker only: the timeline stays.
        #expect(app.focus == .timeline)
    }

    @Test func liveAPinnedTaskThatHasNotRunYetStaysPinned() async throws {
        let status = LiveStatus()
        var app = TraceApp(snapshot: LiveScreenTests.liveSnapshot(status, lines: 10, generation: 1))
        app.pinTasks([987_654])
        _ = app.handle(.snapshot(LiveScreenTests.liveSnapshot(status, lines: 10, generation: 1)))
        await app.settle(app.handle(.char("7")))
        #expect(app.timeline?.pinned == [987_654])
        await app.settle(app.handle(.snapshot(LiveScreenTests.liveSnapshot(status, lines: 20, generation: 2))))
        #expect(app.timeline?.pinned == [987_654])
    }
}
