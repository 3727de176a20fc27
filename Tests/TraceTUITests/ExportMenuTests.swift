import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The `x` menu: a small list of formats; the choice becomes a request with the view's filter and A–B range.
@Suite("Export menu")
struct ExportMenuTests {
    /// The exports among the effects a key asked for.
    static func exports(_ effects: [Effect]) -> [ExportRequest] {
        effects.compactMap { if case .export(let request, _, _) = $0 { request } else { nil } }
    }

    @Test func xOpensTheMenuAndEscapeClosesIt() {
        var app = Fixtures.app()
        _ = app.handle(.char("x"))
        let canvas = Fixtures.render(&app, width: 80, height: 20)
        let text = canvas.text
        #expect(text.contains("Chrome trace JSON"))
        #expect(text.contains("CSV of the event stream"))
        #expect(text.contains("flame graph SVG"))
        #expect(text.contains("the whole trace"))
        #expect(Self.exports(app.handle(.escape)).isEmpty)
        #expect(app.mode == .browsing)
    }

    @Test func onTheHotspotViewXOffersTheTableAsCSV() async throws {
        var app = HotspotScreenTests.app()
        await app.press(.char("3"))
        await app.press(.char("j"))
        await app.press(.char("d"))  // zoom into /bin/app: three entries of four
        _ = app.handle(.char("x"))
        let text = Fixtures.render(&app, width: 90, height: 20).text
        #expect(text.contains("v  CSV of the hotspot table, as shown"))
        #expect(text.contains("the hotspot table (3 entries, dso: /bin/app)"))
        let taken = Self.exports(app.handle(.char("v")))
        let request = try #require(taken.first)
        #expect(request.table == .hotspots)
        #expect(request.fileName { _ in false } == "tracetui-perf-hotspots.csv")
        var out: [UInt8] = []
        var sink = ByteSink { out.append(contentsOf: $0) }
        let records = try request.write(store: app.store, tree: nil, to: &sink)
        #expect(records == 3)
        #expect(String(decoding: out, as: UTF8.self).split(separator: "\n") == [
            "Children,Self,Samples,Command,Shared Object,Symbol",
            "100.00,0.00,0,app,/bin/app,main",
            "66.67,66.67,2,app,/bin/app,spin",
            "66.67,0.00,0,app,/bin/app,work",
        ])
    }

    @Test func theChoiceCarriesTheFilterAndTheMarkerRange() {
        var app = Fixtures.app()
        _ = app.handle(.char("f"))
        Fixtures.type("event == sched_switch", into: &app)
        _ = app.handle(.enter)
        _ = app.handle(.char("m"))
        _ = app.handle(.char("j"))
        _ = app.handle(.char("M"))
        _ = app.handle(.char("x"))
        let canvas = Fixtures.render(&app, width: 100, height: 20)
        #expect(canvas.text.contains("filter event == sched_switch, rows 3–7 (A–B)"))
        _ = app.handle(.down)
        let requests = Self.exports(app.handle(.enter))
        #expect(requests.count == 1)
        let request = requests.first
        #expect(request?.format == .csv)
        #expect(request?.filter == "event == sched_switch")
        #expect(request?.rows != nil)
    }

    @Test func theStatusBarSaysWhereTheFileWent() {
        var app = Fixtures.app()
        _ = app.handle(.char("x"))
        #expect(Self.exports(app.handle(.char("s"))).first?.format == .svg)
        _ = app.handle(.exportFinished(path: "/tmp/tracetui-test.svg", records: 3, error: nil))
        let canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas.text.contains("exported 3 records to /tmp/tracetui-test.svg"))
    }

    /// While the export is written in the background the status bar says how far it is, the keys keep moving
    /// the cursor, and a second export waits for the first.
    @Test func aRunningExportShowsItsProgressAndKeysStillWork() {
        var app = Fixtures.app()
        _ = app.handle(.char("x"))
        #expect(Self.exports(app.handle(.char("c"))).first?.format == .chrome)
        #expect(app.exporting)
        _ = app.handle(.exportProgress(bytes: 312 << 20))
        let before = app.stream.cursor
        _ = app.handle(.char("j"))
        #expect(app.stream.cursor == before + 1)
        var canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas.text.contains("exporting… 312 MB written"))
        _ = app.handle(.char("x"))
        #expect(Self.exports(app.handle(.char("v"))).isEmpty, "one export at a time")
        canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas.text.contains("an export is still being written"))
        _ = app.handle(.exportFinished(path: nil, records: 0, error: "cannot write /x: No space left on device"))
        #expect(!app.exporting)
        canvas = Fixtures.render(&app, width: 100, height: 10)
        #expect(canvas.text.contains("export failed: cannot write /x: No space left on device"))
    }

    @Test func aRequestWritesOnlyTheFilteredRows() throws {
        let snapshot = Fixtures.snapshot()
        let request = ExportRequest(format: .csv, rows: nil, filter: "event == sched_switch", sourceName: "test.log")
        var out: [UInt8] = []
        var sink = ByteSink { out.append(contentsOf: $0) }
        let n = try request.write(store: snapshot.store, tree: nil, to: &sink)
        #expect(n == 2)
        #expect(String(decoding: out, as: UTF8.self).split(separator: "\n").count == 3)
        #expect(request.fileName { $0 == "tracetui-test.csv" } == "tracetui-test-2.csv")
    }
}
