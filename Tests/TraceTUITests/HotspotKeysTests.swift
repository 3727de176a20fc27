import Foundation
import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The hotspot view's perf keys: `H` (hottest entry), `%` (percent limit) and `P` (the table printed as
/// `tracetui report` prints it).
@Suite("Hotspot keys: H, %, P")
struct HotspotKeysTests {
    @Test func hJumpsToTheEntryWithTheMostSelfSamples() async {
        var app = HotspotScreenTests.app()
        await app.press(.char("3"))
        // Ordered by children: main (100%, no self) first; spin has the most self samples.
        await app.press(.char("H"))
        let h = try! #require(app.hotspots)
        #expect(h.selectedSymbol == "spin")
        #expect(h.table.label(.symbol, of: Int(h.table.order[0])) == "main")
    }

    /// The view hides what `perf report --percent-limit 5` hides, on the kept recording of hot.c.
    @Test func percentLimitHidesWhatPerfHides() async throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hotspots").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/hot.script.txt"))
        let source = HotspotSource(store: EventStore(parsing: OwnedBytes(Array(bytes))))
        var view = HotspotView(source: source)
        let all = view.rows.count
        var steps = 0
        while view.percentLimit != 5, steps < 10 {
            _ = view.handle(.cyclePercentLimit, pageHeight: 10)
            steps += 1
        }
        let perf = try String(contentsOfFile: dir + "/perf-limit.txt", encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix(" ") && $0.contains("%  ") && ($0.contains("[.]") || $0.contains("[k]")) }
        #expect(perf.count >= 2)
        #expect(view.rows.count == perf.count, "entries at 5%: \(view.rows.count) vs perf's \(perf.count)")
        #expect(view.rows.count < all)
        // Round the cycle: no limit again.
        while view.percentLimit != 0 { _ = view.handle(.cyclePercentLimit, pageHeight: 10) }
        #expect(view.rows.count == all)
    }

    /// `L` steps the percent limit as `%` does (perf report --tui's key); the stream jump moved to `J`.
    @Test func lStepsThePercentLimit() async {
        var app = HotspotScreenTests.app()
        await app.press(.char("3"))
        await app.press(.char("L"))
        #expect(app.hotspots?.percentLimit == 0.5)
        #expect(app.focus == .hotspots)
        await app.press(.char("%"))
        #expect(app.hotspots?.percentLimit == 1)
        #expect(Keymap.standard.command(for: .char("J"), in: .hotspots) == .showInStream)
    }

    @Test func pPrintsTheTableAsReportDoes() async throws {
        var app = HotspotScreenTests.app()
        await app.press(.char("3"))
        let request = try #require(ExportMenuTests.exports(app.handle(.char("P"))).first)
        #expect(request.report != nil)
        #expect(request.fileName { _ in false } == "tracetui-perf-hotspots.txt")
        var out: [UInt8] = []
        var sink = ByteSink { out.append(contentsOf: $0) }
        _ = try request.write(store: app.store, tree: nil, to: &sink)
        let text = String(decoding: out, as: UTF8.self)
        let h = try #require(app.hotspots)
        var options = ReportOptions(title: "perf.txt")
        options.samples = h.source.samples
        options.callchain = .caller
        options.lostSamples = h.source.samples.lostEvents
        #expect(text == HotspotReport.text(h.table, options))
        #expect(text.contains("# Samples: 3  of event 'cpu-clock'"))
        #expect(text.contains("---main"), "callchains under the entries: \(text)")
    }
}
