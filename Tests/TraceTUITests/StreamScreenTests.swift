import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The whole screen rendered into an in-memory canvas and compared as text.
@Suite("Stream screen")
struct StreamScreenTests {
    @Test func firstScreenShowsColumnsRowsAndStatus() {
        var app = Fixtures.app()
        let canvas = Fixtures.render(&app, width: 100, height: 10)
        let expected = """
                TIME CPU        TASK-PID EVENT            DETAILS
         1720.071781   0      bash-15638 sys_enter_openat sys_openat(dfd: 0xffffff9c, filename: 0x558dd248f0
         1720.071982   0      bash-15638 sys_exit_openat  sys_openat -> 0x3
         1720.642138   0      bash-15638 sched_switch     prev_comm=bash prev_pid=15638 prev_prio=120 prev_s
         1720.642679   1      feas-12691 sched_wakeup     comm=-qos.overcommit pid=12692 prio=116 target_cpu
         ? this line is not ftrace
         CPU:1 [LOST 7 EVENTS]
         1720.700000   1 kworker/u4:2-87 sched_switch     prev_comm=kworker/u4:2 prev_pid=87 prev_prio=120 p

         test.log  1/7 lost 10 unparsed 1                                                            ? help
        """
        #expect(canvas.text == expected)
    }

    @Test func rowsAreColouredByRole() {
        var app = Fixtures.app()
        let canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas[0, 0].role == .header)
        #expect(canvas[5, 1].role == .selected, "the cursor row is selected")
        #expect(canvas[40, 3].role == .eventSched)
        #expect(canvas[40, 2].role == .eventSyscall)
        #expect(canvas[3, 5].role == .unparsed)
        #expect(canvas[3, 6].role == .eventLost)
        #expect(canvas[2, 9].role == .statusAccent)
    }

    @Test(arguments: [(20, 6), (1, 1), (5, 2), (0, 0), (200, 3)])
    func tinyAndOddSizesDrawWithoutCrashing(width: Int, height: Int) {
        var app = Fixtures.app()
        _ = app.perform(.toggleDetail)
        _ = app.perform(.help)
        let canvas = Fixtures.render(&app, width: width, height: height)
        #expect(canvas.width == width)
    }

    @Test func tinyScreenKeepsEventAndDetails() {
        var app = Fixtures.app()
        let canvas = Fixtures.render(&app, width: 20, height: 6)
        #expect(canvas.row(0).contains("EVENT"))
        #expect(canvas.row(1).contains("sys_en"))
        #expect(canvas.row(5).hasPrefix(" test.log"))
    }

    @Test func movingTheCursorScrollsTheList() {
        var app = Fixtures.app()
        for _ in 0..<6 { _ = app.handle(.char("j")) }
        let canvas = Fixtures.render(&app, width: 100, height: 5)
        // 3 list rows: the cursor (row 7) is the last one shown.
        #expect(canvas.row(3).contains("kworker/u4:2-87"))
        #expect(canvas[10, 3].role == .selected)
        #expect(canvas.row(4).contains("7/7"))
    }

    @Test func searchMovesTheCursorAndCountsMatches() {
        var app = Fixtures.app()
        _ = app.handle(.char("/"))
        Fixtures.type("sched_switch", into: &app)
        var canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas.row(9).hasPrefix("/sched_switch"), "the prompt replaces the status bar while typing")
        _ = app.handle(.enter)
        _ = app.handle(.snapshot(Fixtures.snapshot()))
        canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(app.stream.cursor == 2)
        #expect(canvas.row(9).contains("/sched_switch 1/2 matches"))
        _ = app.handle(.char("n"))
        #expect(app.stream.cursor == 6)
        _ = app.handle(.char("N"))
        #expect(app.stream.cursor == 2)
        canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas.roles(ofRow: 3).contains(.selected))
    }

    @Test func searchIsSmartCase() {
        var app = Fixtures.app()
        _ = app.handle(.char("/"))
        Fixtures.type("KWORKER", into: &app)
        _ = app.handle(.enter)
        #expect(app.stream.cursor == 0, "capitals make the search exact")
        _ = app.handle(.char("/"))
        Fixtures.type("kworker", into: &app)
        _ = app.handle(.enter)
        #expect(app.stream.cursor == 6)
    }

    @Test func filterHidesOtherRowsAndEscapeClearsIt() {
        var app = Fixtures.app()
        _ = app.handle(.char("f"))
        Fixtures.type("event == sched_switch && next_prio < 200", into: &app)
        _ = app.handle(.enter)
        _ = app.handle(.snapshot(Fixtures.snapshot()))
        var canvas = Fixtures.render(&app, width: 100, height: 6)
        #expect(canvas.row(1).contains("bash-15638 sched_switch"))
        #expect(canvas.row(2).contains("kworker/u4:2-87 sched_switch"))
        #expect(!canvas.text.contains("sched_wakeup"))
        #expect(canvas.row(5).contains("1/2"))
        #expect(canvas.row(5).contains("filter: event == sched_switch && next_prio < 200"))
        _ = app.handle(.escape)
        canvas = Fixtures.render(&app, width: 100, height: 6)
        #expect(canvas.row(5).contains("/7"))
        #expect(app.stream.selectedRow(app.store) == 2, "clearing keeps the cursor on the same event")
    }

    @Test func aBadFilterSaysWhy() {
        var app = Fixtures.app()
        _ = app.handle(.char("f"))
        Fixtures.type("event ==", into: &app)
        _ = app.handle(.enter)
        let canvas = Fixtures.render(&app, width: 100, height: 6)
        #expect(canvas.row(5).contains("bad filter"))
        #expect(!app.stream.isFiltering)
    }

    @Test func jumpToTime() {
        var app = Fixtures.app()
        _ = app.handle(.char("t"))
        Fixtures.type("1720.65", into: &app)
        _ = app.handle(.enter)
        #expect(app.stream.selectedRow(app.store) == 6)
        _ = app.handle(.char("t"))
        Fixtures.type("+0.5", into: &app)
        _ = app.handle(.enter)
        #expect(app.stream.selectedRow(app.store) == 2)
    }

    @Test func markersShowTheTimeBetweenThem() {
        var app = Fixtures.app()
        _ = app.handle(.char("m"))
        _ = app.handle(.char("G"))
        _ = app.handle(.char("M"))
        let canvas = Fixtures.render(&app, width: 120, height: 10)
        #expect(canvas.row(9).contains("B−A 628.219 ms"))
        #expect(canvas.row(1).hasPrefix("A"))
        #expect(canvas.row(7).hasPrefix("B"))
        _ = app.handle(.char("'"))
        #expect(app.stream.selectedRow(app.store) == 0)
    }

    @Test func detailPanelShowsFieldsFlagsAndStack() {
        var app = Fixtures.app()
        _ = app.handle(.char("j"))
        _ = app.handle(.char("j"))
        _ = app.handle(.char("j"))
        _ = app.handle(.enter)
        let canvas = Fixtures.render(&app, width: 100, height: 30)
        let text = canvas.text
        #expect(text.contains("event details"))
        #expect(text.contains("sched_wakeup"))
        #expect(text.contains("irqs off, need-resched set, in hard irq, preempt depth 6"))
        #expect(text.contains("  comm        -qos.overcommit"))
        #expect(text.contains("=> try_to_wake_up"))
        #expect(text.contains("=> wake_up_process"))
        _ = app.handle(.escape)
        #expect(!Fixtures.render(&app, width: 100, height: 30).text.contains("event details"))
    }

    @Test func helpListsEveryBindingAndAnyKeyCloses() {
        var app = Fixtures.app()
        _ = app.handle(.char("?"))
        // Tall enough for the whole list (shorter screens scroll it: see the viewer's end-to-end test).
        let text = Fixtures.render(&app, width: 100, height: 70).text
        for binding in Keymap.standard.bindings where [.global, .stream].contains(binding.context) {
            #expect(text.contains(binding.help))
        }
        #expect(!text.contains("fold or unfold the call"), "the call tree's keys show in the call tree's help")
        _ = app.handle(.char("x"))
        #expect(app.mode == .browsing)
    }

    @Test func quitKey() {
        var app = Fixtures.app()
        #expect(app.handle(.char("q")).quits)
    }

    @Test func loadingShowsProgress() {
        var app = TraceApp(snapshot: TraceSnapshot(source: "big.log"))
        var s = Fixtures.snapshot()
        s.progress = LoadProgress(bytesDone: 50 << 20, bytesTotal: 200 << 20, seconds: 0.05)
        _ = app.handle(.snapshot(s))
        let canvas = Fixtures.render(&app, width: 120, height: 6)
        #expect(canvas.row(5).contains("loading 25% 1000.0 MB/s ETA 1s"))
    }

    @Test func emptyTraceSaysSo() {
        var app = Fixtures.app("")
        let canvas = Fixtures.render(&app, width: 40, height: 4)
        #expect(canvas.row(1).contains("no events"))
        _ = app.handle(.char("j"))
        _ = app.handle(.char("G"))
        _ = app.handle(.char("n"))
    }
}
