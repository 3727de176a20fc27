import Testing
import TraceModel
@testable import TraceTUI

/// The hotspot view's zoom stack with the table built off the UI thread: every zoom pushes, Esc / ← pops,
/// whatever the order in which keys and built tables arrive.
@Suite("Hotspot zoom stack")
struct HotspotZoomTests {
    /// Two threads of `app` and one of `other`.
    static let perf = """
    app 10/10 [000] 1.000000: 1 cpu-clock: 
    \t1 spin (/bin/app)
    \t3 main (/bin/app)

    app 10/11 [001] 1.001000: 1 cpu-clock: 
    \t1 spin (/bin/app)
    \t3 main (/bin/app)

    other 20/20 [000] 1.002000: 1 cpu-clock: 
    \tffffffff81000000 idle_loop ([kernel.kallsyms])
    \t3 main (/bin/other)

    """

    static func view() -> HotspotView {
        HotspotView(source: HotspotSource(store: EventStore(parsing: OwnedBytes(Array(perf.utf8)))))
    }

    /// Runs the jobs `jobs` (asked for earlier) and gives their results back, as the app's job runner does.
    static func finish(_ jobs: [HotspotJob], _ view: inout HotspotView) async {
        for job in jobs { view.adopt(await job.run()) }
    }

    static func message(_ outcome: ViewOutcome) -> String? {
        if case .message(let text) = outcome { return text }
        return nil
    }

    /// The sequence: `t`, wait, `Esc`, `g`, `d` (before the zoomed-out table is built), `Esc`.
    @Test func threadZoomNeverSticks() async {
        var view = Self.view()
        #expect(view.table.totalCount == 3)
        _ = view.handle(.zoomThread, pageHeight: 10)
        await Self.finish(view.takeJobs(), &view)  // wait
        #expect(view.table.totalCount == 2, "the comm zoom: app's two threads")
        #expect(view.filter.comm == "app")
        _ = view.handle(.clearFilter, pageHeight: 10)  // Esc: a table without the zoom is being built
        let pending = view.takeJobs()
        _ = view.handle(.top, pageHeight: 10)  // g
        _ = view.handle(.zoomDso, pageHeight: 10)  // d, on the table still on screen
        await Self.finish(pending + view.takeJobs(), &view)
        #expect(view.filter.comm == nil && view.filter.pid == nil, "Esc left the thread zoom")
        #expect(view.filter.dso != nil)
        #expect(view.table.filter == view.filter)
        _ = view.handle(.clearFilter, pageHeight: 10)  // Esc
        await Self.finish(view.takeJobs(), &view)
        #expect(view.filter.isEmpty)
        #expect(view.table.filter.isEmpty)
        #expect(view.table.totalCount == 3)
        #expect(Self.message(view.handle(.clearFilter, pageHeight: 10)) == "not zoomed")
    }

    /// Each zoom is one Esc (or ←) away, in reverse order, and `t` again leaves the thread zoom.
    @Test func escPopsEveryZoomInOrder() async {
        var view = Self.view()
        _ = view.handle(.zoomThread, pageHeight: 10)
        _ = view.handle(.zoomSymbol, pageHeight: 10)  // before the comm zoom's table is built
        await Self.finish(view.takeJobs(), &view)
        #expect(view.filter.comm == "app" && view.filter.symbol != nil)
        #expect(view.table.filter == view.filter)
        #expect(view.zoomDepth == 2)
        _ = view.handle(.zoomOut, pageHeight: 10)
        #expect(view.filter.symbol == nil && view.filter.comm == "app")
        _ = view.handle(.zoomThread, pageHeight: 10)  // t again: out of the comm
        await Self.finish(view.takeJobs(), &view)
        #expect(view.filter.isEmpty && view.table.totalCount == 3)
        _ = view.handle(.zoomOut, pageHeight: 10)
        await Self.finish(view.takeJobs(), &view)
        #expect(view.filter.comm == "app" && view.table.totalCount == 2)
        _ = view.handle(.zoomOut, pageHeight: 10)
        await Self.finish(view.takeJobs(), &view)
        #expect(view.filter.isEmpty && view.table.totalCount == 3)
    }

    /// With a thread column, `t` zooms on the thread (its id), not on every thread of the command.
    @Test func threadColumnZoomsOnTheThread() async {
        var view = Self.view()
        for _ in 0..<5 { _ = view.handle(.cycleSort, pageHeight: 10) }  // pid,symbol
        await Self.finish(view.takeJobs(), &view)
        #expect(view.keys == [.pid, .symbol])
        _ = view.handle(.zoomThread, pageHeight: 10)
        await Self.finish(view.takeJobs(), &view)
        #expect(view.filter.pid != nil)
        #expect(view.table.totalCount == 1)
    }
}
