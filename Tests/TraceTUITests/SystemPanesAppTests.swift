import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Key 5 in the app: the panes at the stream cursor's time, moving with the cursor.
@Suite("System panes in the app")
struct SystemPanesAppTests {
    static func app() -> TraceApp {
        var app = Fixtures.app()
        app.system = SystemFixtures.history()
        return app
    }

    @Test func fiveShowsThePanesAtTheCursorsTimeAndBack() {
        var app = Self.app()
        _ = app.handle(.char("5"))
        #expect(app.focus == .system)
        // The first event is at 1720.071781: inside the interval that ends at the 1720.5 sample
        var c = Fixtures.render(&app, width: 100, height: 20)
        #expect(c.row(0).hasPrefix(" System at 1720.500000  sample 3/4"), "\(c.text)")
        #expect(c.row(19).contains("1/"), "the stream's status bar stays: \(c.row(19))")
        _ = app.handle(.char("5"))
        #expect(app.focus == .stream)
        c = Fixtures.render(&app, width: 100, height: 20)
        #expect(c.row(0).contains("TIME"))
    }

    @Test func zeroShowsTheStreamAndThePanesTogetherBelowOrBeside() {
        var app = Self.app()
        _ = app.handle(.char("0"))
        #expect(app.dashboard && app.focus == .stream)
        // 100 columns: the panes below the stream, following its cursor
        var c = Fixtures.render(&app, width: 100, height: 30)
        #expect(c.row(0).contains("TIME"), "\(c.text)")
        let panesRow = try? #require((0..<30).first { c.row($0).hasPrefix(" System at 1720.500000") })
        #expect(panesRow.map { $0 >= 14 } == true, "the panes below the stream: \(c.text)")
        _ = app.handle(.char("G"))
        c = Fixtures.render(&app, width: 100, height: 30)
        #expect(c.text.contains(" System at 1721.000000"), "the panes follow the cursor: \(c.text)")
        // 180 columns: beside it
        c = Fixtures.render(&app, width: 180, height: 30)
        #expect(c.row(0).contains("TIME") && c.row(0).contains("System at"), "\(c.row(0))")
        _ = app.handle(.char("0"))
        c = Fixtures.render(&app, width: 100, height: 30)
        #expect(!c.text.contains("System at"))
    }

    @Test func movingKeysMoveTheCursorAndThePanesFollow() {
        var app = Self.app()
        _ = app.handle(.char("5"))
        _ = app.handle(.char("G"))
        // The last event, 1720.700000, is in the interval ending at 1721.0
        let c = Fixtures.render(&app, width: 100, height: 20)
        #expect(c.row(0).hasPrefix(" System at 1721.000000  sample 4/4"), "\(c.text)")
        #expect(app.focus == .system)
    }

    @Test func vTogglesTheTableAndTabOrEscapeGoBack() {
        var app = Self.app()
        _ = app.handle(.char("5"))
        _ = app.handle(.char("v"))
        let c = Fixtures.render(&app, width: 100, height: 20)
        #expect(c.row(0).contains("--total-cpu-usage--"))
        _ = app.handle(.tab)
        #expect(app.focus == .stream)
        _ = app.handle(.char("5"))
        _ = app.handle(.escape)
        #expect(app.focus == .stream)
    }

    @Test func withoutSamplesThePanesSayHowToRecordThem() {
        var app = Fixtures.app()
        _ = app.handle(.char("5"))
        let c = Fixtures.render(&app, width: 100, height: 20)
        #expect(c.row(0).contains("no /proc samples"))
    }
}
