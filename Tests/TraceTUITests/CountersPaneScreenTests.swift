import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The perf counters table in the system panes: `SystemFixtures`' samples (0.5 s apart, two CPUs) with
/// counters read alongside — each interval CPU 0 switches 100 times and CPU 1 50 times, etc.
@Suite("Counters pane")
struct CountersPaneScreenTests {
    /// Counters after `k` intervals; cycles and instructions only when `pmu`.
    static func reading(_ k: Int, pmu: Bool) -> CounterReading {
        let step = UInt64(k), ns = UInt64(k) * 500_000_000
        func v(_ perInterval: UInt64, running: UInt64? = nil) -> CounterValue {
            CounterValue(value: perInterval * step, enabled: ns, running: running ?? ns)
        }
        var values: [CounterEvent: [CounterValue]] = [
            .contextSwitches: [v(100), v(50)],
            .cpuMigrations: [v(4), v(2)],
            .minorFaults: [v(2_000), v(600)],
            .majorFaults: [v(0), v(1)],
        ]
        if pmu {
            values[.cycles] = [v(1_000_000_000), v(400_000_000)]
            values[.instructions] = [v(1_500_000_000), v(100_000_000)]
        }
        return CounterReading(events: CounterEvent.systemWide, cpus: [0, 1], values: values)
    }

    static func history(pmu: Bool = false, error: String? = nil) -> ProcHistory {
        ProcHistory((0..<4).map { k in
            var s = SystemFixtures.sample(k)
            s.counters = error.map { CounterReading(events: CounterEvent.systemWide, error: $0) }
                ?? reading(k, pmu: pmu)
            return s
        })
    }

    static func render(_ history: ProcHistory, width: Int = 100, height: Int = 20) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        SystemPanesView().render(history, at: 2, into: &canvas, in: canvas.bounds)
        return canvas
    }

    @Test func countersTableWithoutAPMUSaysNotSupported() {
        let c = Self.render(Self.history())
        let expected = """
             ctxt 2000/s  intr 800/s  forks 0/s  procs 3 run 0 blk  load 1.52 0.87 0.40  faults 0/s (0 major)  s
             COUNTERS  ctxsw/s   migr/s minflt/s majflt/s   <not supported>: cycles, instructions
             all           300       12     5.2k        2
             cpu 0         200        8     4.0k        0
             cpu 1         100        4     1.2k        2
             DISK       read   writ    r/s    w/s  util   await  history
            """
        #expect(c.text.contains(expected), "\n\(c.text)")
        let header = (0..<c.height).first { c.row($0).hasPrefix(" COUNTERS") }
        #expect(header.map { c.roles(ofRow: $0).allSatisfy { $0 == .header } } == true, "no COUNTERS header row")
    }

    @Test func withAPMUCyclesInstructionsAndIPC() {
        let c = Self.render(Self.history(pmu: true), width: 110)
        #expect(c.text.contains(" COUNTERS  ctxsw/s   migr/s minflt/s majflt/s cycles/s   insn/s   IPC\n"), "\n\(c.text)")
        #expect(c.text.contains(" all           300       12     5.2k        2     2.8G     3.2G  1.14\n"), "\n\(c.text)")
        #expect(c.text.contains(" cpu 0         200        8     4.0k        0     2.0G     3.0G  1.50\n"), "\n\(c.text)")
        #expect(c.text.contains(" cpu 1         100        4     1.2k        2     800M     200M  0.25\n"), "\n\(c.text)")
    }

    @Test func perCPURowsGiveWayToTheDiskAndNetworkTables() {
        // 13 rows: title, CPU, 1 core row (two bars), Mem, ctxt, counters header + all, then 2+3 for the tables
        let c = Self.render(Self.history(), height: 13)
        #expect(c.text.contains(" all           300"), "\n\(c.text)")
        #expect(!c.text.contains(" cpu 0 "), "\n\(c.text)")
        #expect(c.text.contains(" eth0 "), "the network table still shows: \n\(c.text)")
    }

    @Test func notPermittedIsSaidInOneLine() {
        let c = Self.render(Self.history(error: "perf_event_open not permitted: counting every CPU needs root"))
        #expect(c.text.contains(" counters: perf_event_open not permitted: counting every CPU needs root\n"), "\n\(c.text)")
        #expect(!c.text.contains("COUNTERS"))
    }

    @Test func tinyPaneNeverDrawsOutside() {
        let c = Self.render(Self.history(pmu: true), width: 20, height: 6)
        #expect(c.row(0) == " System at 1720.5000")
        #expect(c.text.split(separator: "\n").allSatisfy { $0.count <= 20 })
    }

    @Test func theDashboardShowsTheCountersToo() {
        var app = Fixtures.app()
        app.system = Self.history()
        _ = app.handle(.char("0"))
        let c = Fixtures.render(&app, width: 100, height: 40)
        #expect(c.text.contains(" COUNTERS  ctxsw/s"), "\n\(c.text)")
        #expect(c.text.contains(" all           300"), "\n\(c.text)")
    }
}
