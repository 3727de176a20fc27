import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The hotspot table and the flame graph, driven through the app's keys and read back from the canvas.
@Suite("Hotspot and flame screens")
struct HotspotScreenTests {
    /// Three samples of one process: main → work → spin (twice), main → idle (once).
    static let perf = """
    app 10/11 [000] 1.000000: 1 cpu-clock: 
    \t1 spin (/bin/app)
    \t2 work (/bin/app)
    \t3 main (/bin/app)

    app 10/11 [001] 1.001000: 1 cpu-clock: 
    \t1 spin (/bin/app)
    \t2 work (/bin/app)
    \t3 main (/bin/app)

    app 10/11 [000] 1.002000: 1 cpu-clock: 
    \tffffffff81000000 idle_loop ([kernel.kallsyms])
    \t3 main (/bin/app)

    """

    static func app(_ text: String = perf) -> TraceApp {
        let store = EventStore(parsing: OwnedBytes(Array(text.utf8)))
        let snapshot = TraceSnapshot(source: "perf.txt", store: store,
                                     progress: LoadProgress(bytesDone: 1, bytesTotal: 1, seconds: 0.01, finished: true),
                                     generation: 1)
        var app = TraceApp(snapshot: snapshot)
        _ = app.handle(.snapshot(snapshot))
        return app
    }

    static func rows(_ canvas: Canvas) -> [String] {
        (0..<canvas.height).map { y in
            var r = Substring(canvas.row(y))
            while r.last == " " { r = r.dropLast() }
            return String(r)
        }
    }

    @Test func threeShowsPerfReportsTable() async {
        var app = Self.app()
        await app.press(.char("3"))
        #expect(app.focus == .hotspots)
        let canvas = Fixtures.render(&app, width: 80, height: 9)
        #expect(Self.rows(canvas) == [
            " Samples: 3  sort: comm,dso,symbol  order: children",
            " Children      Self   Samples  Command  Shared Object      Symbol",
            "  100.00%     0.00%         0  app      app                + [.] main",
            "   66.67%    66.67%         2  app      app                + [.] spin",
            "   66.67%     0.00%         0  app      app                + [.] work",
            "   33.33%    33.33%         1  app      [kernel.kallsyms]  + [k] idle_loop",
            "",
            "",
            " hotspots 1/4 callers                                        Tab stream  ? help",
        ])
        #expect(canvas.roles(ofRow: 2).contains(.selected))
    }

    @Test func enterUnfoldsTheCallchainAndRTogglesCallees() async {
        var app = Self.app()
        await app.press(.char("3"))
        await app.press(.char("j"))
        await app.press(.enter)
        var rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[3].hasSuffix("- [.] spin"))
        #expect(rows[4].trimmingCharacters(in: .whitespaces) == "--66.67%--work")
        #expect(rows[5].trimmingCharacters(in: .whitespaces) == "--66.67%--main")
        #expect(rows[5].prefix(while: { $0 == " " }).count == rows[4].prefix(while: { $0 == " " }).count + 2)
        // Callees of main: work (then spin) and idle_loop.
        await app.press(.char("c"))
        await app.press(.char("k"))
        await app.press(.char("r"))
        await app.press(.char("+"))
        rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[3].trimmingCharacters(in: .whitespaces) == "--66.67%--work")
        #expect(rows[4].trimmingCharacters(in: .whitespaces) == "--66.67%--spin")
        #expect(rows[5].trimmingCharacters(in: .whitespaces) == "--33.33%--idle_loop")
    }

    @Test func zoomIntoASharedObjectShowsTheFilterAndEscZoomsOut() async {
        var app = Self.app()
        await app.press(.char("3"))
        for _ in 0..<3 { await app.press(.char("j")) }
        await app.press(.char("d"))
        var rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[1] == " dso: [kernel.kallsyms]")
        #expect(rows[3].hasSuffix("[k] idle_loop"))
        #expect(rows[4] == "")
        await app.press(.escape)
        rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[5].hasSuffix("[k] idle_loop"))
        // s regroups by symbol only; / keeps the symbols containing the text.
        await app.press(.char("s"))
        await app.press(.char("/"))
        Fixtures.type("in", into: &app)
        await app.press(.enter)
        rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[0].contains("sort: symbol"))
        #expect(rows[1] == " filter: in")
        #expect(rows[2].contains("Symbol") && !rows[2].contains("Command"))
        #expect(rows[3].hasSuffix("main") && rows[4].hasSuffix("spin") && rows[5] == "", "\(rows)")
    }

    @Test func flameGraphWidthsFollowTheSamples() async {
        var app = Self.app()
        await app.press(.char("4"))
        #expect(app.focus == .flame)
        let canvas = Fixtures.render(&app, width: 30, height: 7)
        #expect(Self.rows(canvas) == [
            " app  100.00%  3",
            "all                          ▏",
            "app                          ▏",
            "main                         ▏",
            "work               ▏idle_loop▏",
            "spin               ▏",
            " flame graph",
        ])
        #expect(canvas.roles(ofRow: 2).allSatisfy { $0 == .selected })
        // → and Enter: zoom into idle_loop's column? main first, then its widest callee, then its neighbour.
        await app.press(.char("j"))
        await app.press(.char("j"))
        await app.press(.right)
        await app.press(.enter)
        let zoomed = Self.rows(Fixtures.render(&app, width: 30, height: 7))
        #expect(zoomed[0] == " idle_loop  33.33%  1  [kernel")
        #expect(zoomed[1] == "idle_loop                    ▏")
        #expect(zoomed[6].contains("zoom: idle_loop"))
        // Esc zooms out one level at a time.
        await app.press(.escape)
        #expect(Self.rows(Fixtures.render(&app, width: 30, height: 7))[6] == " flame graph zoom: main")
        await app.press(.escape)
        await app.press(.escape)
        await app.press(.escape)
        #expect(Self.rows(Fixtures.render(&app, width: 30, height: 7))[6] == " flame graph       not zoomed")
    }

    @Test func tinyScreensStillDraw() async {
        var app = Self.app()
        await app.press(.char("3"))
        var canvas = Fixtures.render(&app, width: 20, height: 6)
        #expect(canvas.row(2).hasPrefix("  100.00%"))
        await app.press(.char("4"))
        canvas = Fixtures.render(&app, width: 20, height: 6)
        #expect(canvas.row(1).hasPrefix("all"))
    }

    @Test func durationsFromFunctionGraphAndTJumpsToTheCallTree() async {
        var app = Fixtures.app(CallTreeScreenTests.graph)
        await app.press(.char("3"))
        let rows = Self.rows(Fixtures.render(&app, width: 100, height: 6))
        #expect(rows[0] == " Calls: 12  sort: symbol  order: total")
        #expect(rows[1] == "      Total        Self     Calls         Avg         Max         Min  Symbol")
        #expect(rows[2] == "  59.000 µs    7.250 µs         2   29.500 µs   50.000 µs    9.000 µs  vfs_read")
        await app.press(.char("j"))
        await app.press(.char("T"))
        #expect(app.focus == .tree)
    }

    @Test func threeShowsBuildingUntilTheTableIsAdopted() async {
        var app = Self.app()
        let jobs = app.handle(.char("3")).jobs
        // Nothing was built on this thread: the pane says so, and keys still work.
        #expect(app.focus == .hotspots && app.isBuildingInBackground)
        var rows = Self.rows(Fixtures.render(&app, width: 80, height: 5))
        #expect(rows[0] == " building the hotspot table of 3 lines…")
        #expect(rows[4].hasPrefix(" hotspots building…"))
        _ = app.handle(.char("j"))
        _ = app.handle(.tab)
        #expect(app.focus == .stream)
        // Asking again while it builds starts no second build.
        #expect(app.handle(.char("3")).jobs.isEmpty)
        #expect(!jobs.isEmpty)
        await app.settle(jobs.map { .run($0) })
        #expect(!app.isBuildingInBackground)
        rows = Self.rows(Fixtures.render(&app, width: 80, height: 5))
        #expect(rows[0] == " Samples: 3  sort: comm,dso,symbol  order: children")
        #expect(rows[2].hasSuffix("+ [.] main"))
    }

    @Test func anUnfoldedCallchainIsBuiltInTheBackground() async {
        var app = Self.app()
        await app.press(.char("3"))
        await app.press(.char("j"))
        let jobs = app.handle(.enter).jobs
        var rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[3].hasSuffix("- [.] spin"))
        #expect(rows[4].trimmingCharacters(in: .whitespaces) == "building the callchain…")
        #expect(rows[8].contains("building…"))
        #expect(jobs.count == 1)
        await app.settle(jobs.map { .run($0) })
        rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[4].trimmingCharacters(in: .whitespaces) == "--66.67%--work")
        #expect(!rows[8].contains("building…"))
    }

    @Test func aTableBuiltForAnOlderRequestIsDropped() async {
        var app = Self.app()
        await app.press(.char("3"))
        let first = app.handle(.char("s")).jobs
        let second = app.handle(.char("s")).jobs
        #expect(first.count == 1 && second.count == 1)
        // Until a table arrives the old one stays on screen, marked as building.
        var rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[0].contains("sort: comm,dso,symbol"))
        #expect(rows[8].contains("building…"))
        // Out of order, as background tasks may finish: the view keeps the newest request's table.
        await app.settle(second.map { .run($0) })
        await app.settle(first.map { .run($0) })
        rows = Self.rows(Fixtures.render(&app, width: 80, height: 9))
        #expect(rows[0].contains("sort: dso,symbol "), "\(rows[0])")
        #expect(!rows[8].contains("building…"))
    }

    @Test func jPutsTheStreamOnTheEntrysFirstSample() async {
        var app = Self.app()
        await app.press(.char("3"))
        // The fourth entry, idle_loop, is only in the third sample (at 1.002000).
        for _ in 0..<3 { await app.press(.char("j")) }
        await app.press(.char("J"))
        #expect(app.focus == .stream)
        let canvas = Fixtures.render(&app, width: 80, height: 8)
        let selected = (0..<canvas.height).filter { canvas.roles(ofRow: $0).contains(.selected) }
        #expect(selected.count == 1)
        #expect(selected.first.map { canvas.row($0).contains("1.002000") } == true, "\(Self.rows(canvas))")
        // On a sample trace T says why there is no call tree.
        await app.press(.char("3"))
        await app.press(.char("T"))
        #expect(app.focus == .hotspots)
        #expect(Self.rows(Fixtures.render(&app, width: 80, height: 8))[7].contains("function_graph"))
    }

    @Test func flameGraphIsBuiltInTheBackground() async {
        var app = Self.app()
        let building = app.handle(.char("4"))
        #expect(Self.rows(Fixtures.render(&app, width: 40, height: 4))[0] == " building the flame graph of 3 lines…")
        await app.settle(building)
        #expect(Self.rows(Fixtures.render(&app, width: 40, height: 4))[1].hasPrefix("all"))
    }
}

@Suite("perf samples in the stream")
struct PerfStreamScreenTests {
    @Test func samplesShowTheirShortTaskAndEnterShowsTheCallchain() {
        var app = HotspotScreenTests.app()
        let canvas = Fixtures.render(&app, width: 80, height: 8)
        #expect(canvas.row(0).contains("TASK-PID"), "\(canvas.row(0))")
        #expect(canvas.row(1).contains("app-11") && canvas.row(1).contains("cpu-clock"), "\(canvas.row(1))")
        _ = app.handle(.enter)
        let text = Fixtures.render(&app, width: 80, height: 24).text
        #expect(text.contains("=> spin (/bin/app)") && text.contains("=> main (/bin/app)"), "\(text)")
    }
}

extension TraceApp {
    /// A key, then what it asked to build in the background, run here (as the viewer's loop does later).
    mutating func press(_ key: Key) async {
        await settle(handle(key))
    }
}
