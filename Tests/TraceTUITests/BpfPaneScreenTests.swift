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

/// `--bpf`: the object's map entries under the lists, and the panel a refusal opens.
@Suite("BPF pane values and refusal panel")
struct BpfValuesScreenTests {
    static func history() -> ProcHistory {
        ProcHistory((0..<4).map { k in
            var s = SystemFixtures.sample(k)
            var inv = BpfPaneScreenTests.inventory(k)
            inv.maps.append(BpfMap(id: 7, type: "array", name: "tt_hist", keySize: 4, valueSize: 8, maxEntries: 64))
            var counts = [UInt64](repeating: 0, count: 64)
            counts[0] = UInt64(k); counts[2] = 3; counts[6] = 7 * UInt64(k + 1); counts[9] = 2
            inv.values = [
                BpfMapValuesScreen.array(counts, id: 7),
                BpfMapValuesScreen.array([41, UInt64(k)], id: 3),
            ]
            s.bpf = inv
            return s
        })
    }

    @Test func theObjectsMapsAreDrawnUnderTheLists() {
        let c = BpfPaneScreenTests.render(Self.history(), width: 140, height: 30)
        Golden.check(c, "bpf-pane-values-140x30")
        #expect(c.text.contains("        64 -> 127        : 28       |****************************************|"), "\n\(c.text)")
        #expect(c.text.contains("map 3 tt_count (array): 2 entries"), "\n\(c.text)")
    }

    @Test func aShortPaneKeepsTheListsAndSaysWhatIsCut() {
        let c = BpfPaneScreenTests.render(Self.history(), width: 100, height: 14)
        Golden.check(c, "bpf-pane-values-100x14")
        #expect(c.text.contains("more lines"), "\n\(c.text)")
        #expect(c.text.contains("tt_openat"), "\n\(c.text)")
    }

    static let refusal = """
        /tmp/x/half.bpf.o: the kernel refused to load it (Permission denied)
        verifier log:
        0: R1=ctx() R10=fp0
        ; int tt_half_bad(void *ctx) @ half.bpf.c:19
        0: (b7) r1 = 0                        ; R1=0
        1: (63) *(u32 *)(r10 -4) = r1         ; R1=0 R10=fp0 fp-8=0000????
        2: (bf) r2 = r10                      ; R2=fp0 R10=fp0
        3: (07) r2 += -4                      ; R2=fp-4
        4: (18) r1 = 0xffff888122660c00       ; R1=map_ptr(map=tt_half,ks=4,vs=8)
        6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=tt_half,ks=4,vs=8)
        7: (79) r0 = *(u64 *)(r0 +0)
        R0 invalid mem access 'map_value_or_null'
        processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
        \tlibbpf: prog 'tt_half_bad': failed to load: -13
        """

    @Test func aRefusalOpensAScrollablePanel() {
        var app = Fixtures.app()
        app.showBpfRefusal(Self.refusal)
        let c = Fixtures.render(&app, width: 100, height: 12)
        Golden.check(c, "bpf-refusal-100x12")
        #expect(c.text.contains("BPF object not loaded — j/k PgUp/PgDn scroll, Esc closes"), "\n\(c.text)")
        #expect(c.text.contains("↓ 5 more"), "\n\(c.text)")
        // j scrolls to the verifier's message; End shows the last line
        _ = app.handle(.char("j"))
        _ = app.handle(.char("G"))
        let end = Fixtures.render(&app, width: 100, height: 12)
        #expect(end.text.contains("R0 invalid mem access 'map_value_or_null'"), "\n\(end.text)")
        #expect(end.text.contains("        libbpf: prog 'tt_half_bad'"), "\n\(end.text)")
        #expect(!end.text.contains("more "), "\n\(end.text)")
        // and Esc closes it
        _ = app.handle(.escape)
        #expect(app.mode == .browsing)
    }

    @Test func tinyRefusalPanelWrapsItsLines() {
        var app = Fixtures.app()
        app.showBpfRefusal(Self.refusal)
        let c = Fixtures.render(&app, width: 20, height: 6)
        Golden.check(c, "bpf-refusal-20x6")
        #expect(c.text.contains("/tmp/x/half.bpf."), "\n\(c.text)")
    }
}

enum BpfMapValuesScreen {
    static func array(_ counts: [UInt64], id: UInt32) -> BpfMapValues {
        BpfMapValues(mapID: id, entries: counts.enumerated().map { k, v in
            .init(key: (0..<4).map { UInt8(truncatingIfNeeded: k >> (8 * $0)) },
                  value: (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) })
        })
    }
}
