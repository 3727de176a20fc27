import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The BPF pane (key 8) and its line in the system panes: `SystemFixtures`' samples (0.5 s apart) carrying BPF
/// inventories — program 12 runs 1000 times and 2 ms per interval, program 40 has never run.
@Suite("BPF pane")
struct BpfPaneScreenTests {
    static func inventory(_ k: Int, stats: Bool = true) -> BpfInventory {
        let n = UInt64(k)
        return BpfInventory(programs: [
            BpfProgram(id: 12, type: "tracepoint", name: "tt_openat", tag: "85245b9791ed9889",
                       attach: ["tracepoint sys_enter_openat"], loadedBy: BpfProcess(pid: 4242, comm: "loader"),
                       runCount: 1000 * n, runTimeNs: 2_000_000 * n, mapIDs: [3]),
            BpfProgram(id: 40, type: "cgroup_skb", name: "sd_fw_ingress", tag: "6deef7357e7b4530",
                       attach: ["cgroup 1 cgroup_inet_ingress"]),
        ], maps: [
            BpfMap(id: 3, type: "array", name: "tt_count", keySize: 4, valueSize: 8, maxEntries: 2, memoryBytes: 568),
            BpfMap(id: 5, type: "hash", name: "sd_fw_hash", keySize: 8, valueSize: 8, maxEntries: 1024, memoryBytes: 90_112),
        ], statsEnabled: stats)
    }

    static func history(stats: Bool = true) -> ProcHistory {
        ProcHistory((0..<4).map { k in
            var s = SystemFixtures.sample(k)
            s.bpf = inventory(k, stats: stats)
            return s
        })
    }

    static func render(_ history: ProcHistory, width: Int, height: Int, mode: SystemPanesView.Mode = .bpf) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        var view = SystemPanesView()
        view.mode = mode
        view.render(history, at: 3, into: &canvas, in: canvas.bounds)
        return canvas
    }

    @Test func paneListsProgramsWithTheIntervalsCostAndTheMaps() {
        // 2 ms of run time in a 0.5 s interval: 0.4 % of a CPU, 2000 ns a run
        let c = Self.render(Self.history(), width: 140, height: 12)
        Golden.check(c, "bpf-pane-140x12")
        #expect(c.text.contains("0.4"), "\n\(c.text)")
    }

    @Test func tinyPane() {
        Golden.check(Self.render(Self.history(), width: 20, height: 6), "bpf-pane-20x6")
    }

    @Test func withoutStatsThePaneSaysHowToGetRunFigures() {
        let c = Self.render(Self.history(stats: false), width: 140, height: 12)
        #expect(c.text.contains("kernel.bpf_stats_enabled is 0 (start with `sudo tracetui --bpf-stats`)"), "\n\(c.text)")
    }

    @Test func samplesWithoutAListingSaySo() {
        let c = Self.render(SystemFixtures.history(), width: 140, height: 6)
        #expect(c.text.contains("no BPF listing in these samples"))
    }

    @Test func systemPanesEndWithABpfLine() {
        let c = Self.render(Self.history(), width: 140, height: 40, mode: .panes)
        #expect(c.text.contains(" BPF  2 programs  2 maps  top: tt_openat 0.40%  (8: BPF pane)"), "\n\(c.text)")
    }

    @Test func eightOpensThePaneAndClosesIt() {
        var app = Fixtures.app()
        app.system = Self.history()
        _ = app.handle(.char("8"))
        #expect(app.focus == .system && app.panes.mode == .bpf)
        let c = Fixtures.render(&app, width: 140, height: 14)
        #expect(c.text.contains("tt_openat") && c.text.contains(" BPF "), "\n\(c.text)")
        _ = app.handle(.char("8"))
        #expect(app.focus != .system && app.panes.mode == .panes)
    }
}
