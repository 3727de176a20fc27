import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The call tree pane, driven through the app's keys and read back from the canvas.
@Suite("Call tree screen")
struct CallTreeScreenTests {
    static let graph = """
    # tracer: function_graph
    #
    # CPU  DURATION                  FUNCTION CALLS
    # |     |   |                     |   |   |   |
     0)               |  vfs_read() {
     0)               |    rw_verify_area() {
     0)   0.500 us    |      security_file_permission();
     0)   1.000 us    |    }
     0)               |    tty_read() {
     0)   2.000 us    |      tty_ldisc_ref_wait();
     0) + 40.000 us   |      n_tty_read();
     0) + 45.000 us   |    }
     0)   0.250 us    |    fsnotify();
     0) + 50.000 us   |  }
     0)               |  vfs_read() {
     0)               |    rw_verify_area() {
     0)   0.700 us    |      security_file_permission();
     0)   1.500 us    |    }
     0)   ==========> |
     0)               |    smp_apic_timer_interrupt() {
     0)   3.000 us    |      hrtimer_interrupt();
     0)   4.000 us    |    }
     0)   <========== |
     0)   9.000 us    |  }

    """

    static func treeApp() -> TraceApp {
        var app = Fixtures.app(graph)
        _ = app.handle(.tab)
        return app
    }

    static func screen(_ app: inout TraceApp, height: Int = 14) -> Canvas {
        Fixtures.render(&app, width: 90, height: height)
    }

    @Test func tabWhileLoadingOpensTheTreeOnceTheFileIsIn() {
        var app = TraceApp(snapshot: Fixtures.snapshot(Self.graph, finished: false))
        _ = app.handle(.tab)
        #expect(app.focus == .stream)
        #expect(Self.screen(&app).row(13).contains("opens when the file has loaded"))
        _ = app.handle(.snapshot(Fixtures.snapshot(Self.graph, finished: true)))
        #expect(app.focus == .tree)
    }

    @Test func digitKeysPickThePane() {
        var app = Fixtures.app(Self.graph)
        _ = app.handle(.char("2"))
        #expect(app.focus == .tree)
        _ = app.handle(.char("3"))
        #expect(app.focus == .hotspots)
        _ = app.handle(.char("5"))
        #expect(app.focus == .system)
        _ = app.handle(.char("1"))
        #expect(app.focus == .stream)
        _ = app.handle(.char("2"))
        #expect(app.focus == .tree)
        #expect(Self.screen(&app).row(0).contains("FUNCTION"))
    }

    @Test func aSecondTabWhileLoadingCancelsTheRequest() {
        var app = TraceApp(snapshot: Fixtures.snapshot(Self.graph, finished: false))
        _ = app.handle(.tab)
        _ = app.handle(.tab)
        _ = app.handle(.snapshot(Fixtures.snapshot(Self.graph, finished: true)))
        #expect(app.focus == .stream)
    }

    @Test func tabOpensTheTimelineWithTheFirstCallUnfolded() {
        var app = Self.treeApp()
        #expect(app.focus == .tree)
        let c = Self.screen(&app)
        #expect(c.row(0).contains("TOTAL       SELF      %  FUNCTION"))
        #expect(c.row(1).contains("50.000 µs"))
        #expect(c.row(1).contains("+ ▼ vfs_read"))
        #expect(c.row(2).contains("▶ rw_verify_area"))
        #expect(c.row(3).contains("▶ tty_read"))
        #expect(c.row(4).contains("fsnotify"))
        #expect(c.row(5).contains("▶ vfs_read"))
        #expect(c.row(13).contains("call tree: timeline"))
        #expect(c.roles(ofRow: 1).contains(.selected))
    }

    @Test func selfTimeAndPercentOfTheRoot() {
        var app = Self.treeApp()
        let c = Self.screen(&app)
        // vfs_read: 50 − (1 + 45 + 0.25) = 3.75 µs of its own; tty_read is 90 % of it.
        #expect(c.row(1).contains("3.750 µs  100.0"))
        #expect(c.row(3).contains("45.000 µs"))
        #expect(c.row(3).contains("90.0"))
    }

    @Test func foldingKeys() {
        var app = Self.treeApp()
        _ = app.handle(.down)
        _ = app.handle(.right)
        #expect(Self.screen(&app).row(3).contains("security_file_permission"))
        _ = app.handle(.left)
        #expect(Self.screen(&app).row(3).contains("tty_read"), "← folds an open call")
        _ = app.handle(.left)
        #expect(app.render(at: 90, 14).row(1).contains("vfs_read"))
        _ = app.handle(.char("C"))
        #expect(Self.screen(&app).row(2).contains("▶ vfs_read"), "C folds everything below")
        _ = app.handle(.char("E"))
        let all = Self.screen(&app, height: 20).text
        for name in ["security_file_permission", "tty_ldisc_ref_wait", "n_tty_read", "fsnotify"] {
            #expect(all.contains(name))
        }
        _ = app.handle(.enter)
        #expect(Self.screen(&app).row(2).contains("▶ vfs_read") || Self.screen(&app).row(1).contains("▶ vfs_read"))
    }

    @Test func longestChildUnfoldsOnlyThatChild() {
        var app = Self.treeApp()
        _ = app.handle(.char("l"))
        let c = Self.screen(&app)
        #expect(c.row(3).contains("▼ tty_read"))
        #expect(c.roles(ofRow: 3).contains(.selected))
        #expect(c.row(4).contains("tty_ldisc_ref_wait"))
        #expect(c.row(2).contains("▶ rw_verify_area"))
    }

    @Test func siblingsParentAndZoom() {
        var app = Self.treeApp()
        _ = app.handle(.down)
        _ = app.handle(.char("]"))
        #expect(Self.screen(&app).roles(ofRow: 3).contains(.selected))
        _ = app.handle(.char("["))
        #expect(Self.screen(&app).roles(ofRow: 2).contains(.selected))
        _ = app.handle(.char("u"))
        #expect(Self.screen(&app).roles(ofRow: 1).contains(.selected))
        _ = app.handle(.char("j"))
        _ = app.handle(.char("j"))
        _ = app.handle(.char("z"))
        var c = Self.screen(&app)
        #expect(c.row(1).contains("▼ tty_read"))
        #expect(c.row(13).contains("zoom: tty_read"))
        #expect(!c.text.contains("vfs_read"))
        _ = app.handle(.escape)
        c = Self.screen(&app)
        #expect(c.text.contains("vfs_read"))
    }

    @Test func irqCallsAreMarked() {
        var app = Self.treeApp()
        _ = app.handle(.char("G"))
        _ = app.handle(.char("E"))
        let c = Self.screen(&app)
        let row = (0..<c.height).first { c.row($0).contains("smp_apic_timer_interrupt") }
        #expect(row != nil)
        if let row {
            #expect(c.row(row).contains("[irq]"))
            #expect(c.roles(ofRow: row).contains(.eventIRQ))
        }
    }

    @Test func mergedPathsCountCalls() {
        var app = Self.treeApp()
        _ = app.handle(.char("v"))
        _ = app.handle(.char("E"))
        let c = Self.screen(&app, height: 20)
        #expect(c.row(0).contains("CALLS"))
        #expect(c.row(1).contains("59.000 µs"))
        #expect(c.row(1).contains("      2 "))
        #expect(c.row(1).contains("vfs_read"))
        let rw = (0..<c.height).first { c.row($0).contains("rw_verify_area") }
        #expect(rw.map { c.row($0).contains("2.500 µs") } == true)
    }

    @Test func searchUnfoldsTheCallers() {
        var app = Self.treeApp()
        _ = app.handle(.char("/"))
        Fixtures.type("hrtimer", into: &app)
        _ = app.handle(.enter)
        let c = Self.screen(&app)
        let row = (0..<c.height).first { c.row($0).contains("hrtimer_interrupt") }
        #expect(row != nil)
        #expect(row.map { c.roles(ofRow: $0).contains(.selected) } == true)
        _ = app.handle(.char("n"))
        #expect(Self.screen(&app).row(13).contains("no more matches"))
    }

    @Test func sortCyclesThroughKeys() {
        var app = Self.treeApp()
        _ = app.handle(.char("s"))
        let c = Self.screen(&app)
        #expect(c.row(13).contains("sort: total") || c.row(13).contains("sorted by total"))
        #expect(c.row(2).contains("tty_read"), "the longest child first")
    }

    @Test func tabBackPutsTheStreamOnTheCall() {
        var app = Self.treeApp()
        _ = app.handle(.char("G"))
        _ = app.handle(.tab)
        #expect(app.focus == .stream)
        #expect(app.stream.selectedRow(app.store) == 10)
    }

    @Test func theStreamMarksTheLinesOfTheSelectedCall() {
        var app = Self.treeApp()
        _ = app.handle(.char("l"))
        _ = app.handle(.tab)
        let c = Fixtures.render(&app, width: 90, height: 14)
        // tty_read spans its entry line to its closing brace: rows 4 to 7.
        #expect(app.stream.selectedRow(app.store) == 4)
        #expect(c.row(5).hasPrefix("┃"))
        #expect(c.row(8).hasPrefix("┃"))
        #expect(!c.row(9).hasPrefix("┃"))
        _ = app.handle(.escape)
        #expect(!Fixtures.render(&app, width: 90, height: 14).row(5).hasPrefix("┃"))
    }

    @Test func markersLimitTheTreeToTheirRange() {
        var app = Fixtures.app(Self.graph)
        for _ in 0..<4 { _ = app.handle(.char("j")) }
        _ = app.handle(.char("m"))
        for _ in 0..<4 { _ = app.handle(.char("j")) }
        _ = app.handle(.char("M"))
        _ = app.handle(.tab)
        let c = Self.screen(&app)
        // Rows 4…8: tty_read opens and closes inside, fsnotify is a leaf, vfs_read's `}` is outside.
        #expect(c.row(1).contains("tty_read"))
        #expect(c.text.contains("fsnotify"))
        #expect(!c.text.contains("vfs_read"))
        #expect(c.row(13).contains("A–B only"))
    }

    /// A large A–B range's tree is built by the caller in the background: Tab says so and the stream keeps
    /// its keys; the tree opens when it is handed back, and a tree for markers moved meanwhile is dropped.
    @Test func aLargeRangesTreeIsBuiltInTheBackground() async {
        var app = Fixtures.app(Self.graph)
        app.treeRowsInline = 2
        for _ in 0..<4 { _ = app.handle(.char("j")) }
        _ = app.handle(.char("m"))
        for _ in 0..<4 { _ = app.handle(.char("j")) }
        _ = app.handle(.char("M"))
        let build = app.handle(.tab).jobs
        #expect(app.focus == .stream)
        var c = Self.screen(&app)
        #expect(c.row(13).contains("building the call tree of rows"), "status: \(c.row(13))")
        #expect(build.count == 1)
        #expect(app.handle(.tab).jobs.isEmpty, "asked once")
        _ = app.handle(.char("k"))
        #expect(app.focus == .stream, "the stream still takes keys")
        await app.settle(build.map { .run($0) })
        #expect(app.focus == .tree)
        c = Self.screen(&app)
        #expect(c.row(1).contains("tty_read"))
        #expect(!c.text.contains("vfs_read"))
        #expect(c.row(13).contains("A–B only"))
        // Markers moved while a tree was being built: the late tree is not shown.
        _ = app.handle(.tab)
        _ = app.handle(.char("G"))
        _ = app.handle(.char("M"))
        let second = app.handle(.tab).jobs
        #expect(second.count == 1)
        _ = app.handle(.char("g"))
        _ = app.handle(.char("m"))
        await app.settle(second.map { .run($0) })
        #expect(app.focus == .stream)
    }

    @Test func scopeChooserCyclesThroughCPUs() {
        let twoCPUs = """
         0)   1.000 us    |  on_cpu_zero();
         1)   2.000 us    |  on_cpu_one();

        """
        var app = Fixtures.app(twoCPUs)
        _ = app.handle(.tab)
        _ = app.handle(.char("p"))
        var c = Self.screen(&app)
        #expect(c.text.contains("on_cpu_zero"))
        #expect(!c.text.contains("on_cpu_one"))
        #expect(c.row(13).contains("cpu 0"))
        _ = app.handle(.char("p"))
        c = Self.screen(&app)
        #expect(c.text.contains("on_cpu_one"))
        #expect(!c.text.contains("on_cpu_zero"))
    }

    @Test func fieldChooserAddsAverageMinAndMax() {
        var app = Self.treeApp()
        _ = app.handle(.char("v"))
        _ = app.handle(.char("F"))
        var c = Self.screen(&app, height: 16)
        #expect(c.text.contains("[x] total"))
        #expect(c.text.contains("[ ] avg"))
        for _ in 0..<3 { _ = app.handle(.char("j")) }
        _ = app.handle(.char(" "))
        _ = app.handle(.char("j"))
        _ = app.handle(.char(" "))
        _ = app.handle(.char("j"))
        _ = app.handle(.char(" "))
        _ = app.handle(.char("k"))
        _ = app.handle(.char("k"))
        _ = app.handle(.char("k"))
        _ = app.handle(.char("k"))
        _ = app.handle(.char(" "))
        _ = app.handle(.escape)
        c = Self.screen(&app, height: 16)
        #expect(!c.text.contains("[x]"), "Esc closes the chooser")
        #expect(c.row(0).contains("TOTAL   CALLS        AVG        MIN        MAX"))
        #expect(!c.row(0).contains("SELF"))
        // vfs_read: two calls of 50 and 9 µs.
        #expect(c.row(1).contains("59.000 µs       2  29.500 µs   9.000 µs  50.000 µs"))
    }

    @Test func tracesWithoutGraphLinesStayOnTheStream() {
        var app = Fixtures.app()
        _ = app.handle(.tab)
        #expect(app.focus == .stream)
        #expect(Fixtures.render(&app, width: 90, height: 6).row(5).contains("no function_graph calls"))
    }

    @Test func tinyTreeScreen() {
        var app = Self.treeApp()
        _ = app.handle(.char("E"))
        let c = Fixtures.render(&app, width: 20, height: 6)
        #expect(c.width == 20)
    }
}

extension TraceApp {
    mutating func render(at width: Int, _ height: Int) -> Canvas {
        draw(width: width, height: height)
    }
}
