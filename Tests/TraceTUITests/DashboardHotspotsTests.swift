import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The dashboard of a trace with samples: the stream, the hotspot table under it and the system panes, on one
/// screen (the demo's first screen).
@Suite("Hotspots on the dashboard")
struct DashboardHotspotsTests {
    @Test func aSampledTracesDashboardShowsTheHotspotsUnderTheStream() async {
        // Given a loaded trace of perf samples, with /proc samples
        var app = HotspotScreenTests.app()
        app.system = SystemFixtures.history()
        // When the dashboard opens (its table is built by the `3` view's job, run here as the loop runs it)
        await app.press(.char("0"))
        #expect(app.focus == .stream && app.dashboard)
        var canvas = Canvas(width: 100, height: 40)
        app.layout(canvas.bounds)
        app.render(into: &canvas)
        let rows = (0..<canvas.height).map { canvas.row($0) }
        // Then the stream heads the screen, the table of main → work → spin sits under it, the panes below both
        #expect(rows[0].contains("TIME"), "\(canvas.text)")
        let table = rows.firstIndex { $0.contains("spin") && $0.contains("%") }
        let panes = rows.firstIndex { $0.hasPrefix(" System at") || $0.contains("no interval") || $0.contains("samples cover") }
        #expect(table != nil && panes != nil, "\(canvas.text)")
        if let table, let panes { #expect(table > 3 && table < panes, "\(canvas.text)") }
        // and the stream keeps the keys: j moves its cursor, not the table's
        await app.press(.char("j"))
        #expect(app.stream.cursor == 1)
    }

    @Test func anEventsOnlyTracesDashboardKeepsTheWholeHeightForTheStream() async {
        // Given events with neither stacks nor function_graph calls
        var app = HotspotScreenTests.app("""
                      bash-15638   [000] .....  1720.071781: sys_openat(dfd: 0xffffff9c)
                      bash-15638   [000] .....  1720.071982: sys_openat -> 0x3
                      feas-12691   [001] .....  1720.072084: sys_read(fd: 0, buf: 0x7ffe6269c0bf, count: 1)

            """)
        app.system = SystemFixtures.history()
        await app.press(.char("0"))
        // Then no table is built (it would only count events) and the stream reaches down to the panes
        #expect(app.hotspots == nil && !app.isBuildingInBackground)
        let canvas = app.draw(width: 100, height: 40)
        let panes = (0..<canvas.height).first { canvas.row($0).hasPrefix(" System at") || canvas.row($0).hasPrefix(" system panes") }
        #expect(panes == 23, "the stream has the 23 rows above the 16 of the panes: \(canvas.text)")
    }
}
