import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The hotspot table at 80, 120 and 170 columns, full screen and in the dashboard (`0`): every entry row shows
/// its symbol; the command and the shared object shrink, then hide, in HotspotColumnFit's order.
@Suite("Hotspot columns fit the width")
struct HotspotWidthTests {
    /// Long commands, whole paths and long symbols, as a system-wide recording has them.
    static let perf = """
    kworker/u16:3-events_unbound 10/11 [000] 1.000000: 1 cpu-clock: 
    \t1 very_long_function_name_number_one_in_a_deep_library (/usr/lib/x86_64-linux-gnu/libsomething-extra-long.so.1.2.3)
    \t2 caller_of_it (/usr/lib/x86_64-linux-gnu/libsomething-extra-long.so.1.2.3)

    swapper 0/0 [001] 1.001000: 1 cpu-clock: 
    \tffffffff81000000 pv_native_safe_halt ([kernel.kallsyms])
    \tffffffff81000010 default_idle_call ([kernel.kallsyms])

    swapper 0/0 [001] 1.002000: 1 cpu-clock: 
    \tffffffff81000020 intel_idle_irq_and_more_words_to_make_it_long ([kernel.kallsyms])
    \tffffffff81000010 default_idle_call ([kernel.kallsyms])

    """

    static func app() async -> TraceApp {
        var app = HotspotScreenTests.app(perf)
        await app.press(.char("3"))
        return app
    }

    static let symbols = ["very_long_function_name_number_one_in_a_deep_library", "pv_native_safe_halt",
                          "intel_idle_irq_and_more_words_to_make_it_long", "default_idle_call", "caller_of_it"]

    /// The entry rows on screen (those with `[.]` or `[k]`).
    static func entryRows(_ canvas: Canvas) -> [String] {
        HotspotScreenTests.rows(canvas).filter { $0.contains("[.] ") || $0.contains("[k] ") }
    }

    @Test(arguments: [80, 120, 170], [false, true])
    func everyRowShowsItsSymbol(width: Int, dashboard: Bool) async {
        var app = await Self.app()
        if dashboard { await app.press(.char("0")) }
        let rows = Self.entryRows(Fixtures.render(&app, width: width, height: 30))
        #expect(rows.count == 5, "\(width) \(dashboard): \(rows)")
        for row in rows {
            // The symbol starts on screen, with at least its first 20 characters (all of it when it fits).
            let shown = Self.symbols.contains { s in row.contains(String(s.prefix(20))) }
            #expect(shown, "\(width) \(dashboard ? "dashboard" : "full"): no symbol in '\(row)'")
        }
        let text = Fixtures.render(&app, width: width, height: 30).text
        if width >= 170, !dashboard {
            // Room for everything: the shared object by its file name, the command whole.
            #expect(text.contains("libsomething-extra-long.so.1.2.3"))
            #expect(text.contains("kworker/u16:3-events_unbound"))
        }
        #expect(!text.contains("/usr/lib/x86_64-linux-gnu"), "whole paths only with report --full-path")
    }

    @Test func narrowWidthsHideTheCommandThenTheSharedObject() {
        let table = HotspotSource(store: EventStore(parsing: OwnedBytes(Array(Self.perf.utf8)))).table()
        let cols = table.columns()
        func titles(_ w: Int) -> [String] { HotspotColumnFit.fit(cols, width: w, mark: 2).map(\.title) }
        #expect(titles(200) == ["Children", "Self", "Samples", "Command", "Shared Object", "Symbol"])
        #expect(titles(95) == ["Children", "Self", "Samples", "Command", "Shared Object", "Symbol"])
        #expect(titles(80) == ["Children", "Self", "Command", "Shared Object", "Symbol"])
        #expect(titles(60) == ["Children", "Self", "Symbol"])
        #expect(titles(20) == ["Children", "Self", "Symbol"])
        // Cut before hidden: at 95 the command is 12 cells, the shared object 16.
        let at95 = HotspotColumnFit.fit(cols, width: 95, mark: 2)
        #expect(at95.first { $0.key == .comm }?.width == 12)
        #expect(at95.first { $0.key == .dso }?.width == 16)
    }
}
