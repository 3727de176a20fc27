import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The system panes of a trace from two hosts: this machine's by default, `h` to the next host, or the host a
/// `host == NAME` filter keeps; the title names the machine. db1 sent four CPUs' samples, web1 none.
@Suite("Host system panes")
struct HostSystemPanesTests {
    /// db1's samples, on the common clock around the trace's rows (1.0000–1.0016 s), 0.5 ms apart.
    static func dbHistory() -> ProcHistory {
        ProcHistory((0..<6).map { k in
            var s = SystemFixtures.sample(k, cpus: 4)
            s.monotonic = 999_500_000 + Int64(k) * 500_000
            return s
        })
    }

    static func app(_ keys: [Key]) async -> TraceApp {
        var snapshot = TraceSnapshot(source: "hosts", store: HostScreenTests.store(),
                                     progress: LoadProgress(bytesDone: 1, bytesTotal: 1, seconds: 0.01, finished: true),
                                     generation: 1)
        snapshot.hostSystems = ["db1": dbHistory()]
        var app = TraceApp(snapshot: snapshot)
        _ = app.handle(.snapshot(snapshot))
        return await GoldenScreenTests.app(app, keys: keys)
    }

    static func type(_ text: String) -> [Key] { text.map { .char($0) } }

    @Test func hStepsThroughTheMachinesAndTheTitleNamesEach() async {
        var mine = await Self.app([.char("5")])
        #expect(mine.draw(width: 100, height: 24).row(0).contains("system panes of this machine: no /proc samples"))
        var web = await Self.app([.char("5"), .char("h")])
        let webScreen = web.draw(width: 100, height: 24)
        #expect(webScreen.row(0).contains("system panes of web1: no /proc samples"))
        #expect(webScreen.row(1).contains("none were recorded for web1"))
        var db = await Self.app([.char("5"), .char("h"), .char("h")])
        let dbScreen = db.draw(width: 100, height: 24)
        #expect(dbScreen.row(0).contains("System of db1 at"))
        // db1's four CPUs, each with its own bar.
        let bars = (1..<6).flatMap { dbScreen.row($0).matches(of: #/ (\d) \[/#).map { Int($0.output.1)! } }
        #expect(bars.sorted() == [0, 1, 2, 3], "\(dbScreen.text)")
        // Once more: back to this machine.
        var back = await Self.app([.char("5"), .char("h"), .char("h"), .char("h")])
        #expect(back.draw(width: 100, height: 24).row(0).contains("this machine"))
    }

    @Test func aHostFilterPicksThatHostsPanes() async {
        var app = await Self.app([.char("f")] + Self.type("host == db1") + [.enter, .char("5")])
        #expect(app.draw(width: 100, height: 24).row(0).contains("System of db1 at"))
    }

    @Test(arguments: [(80, 24), (20, 6)])
    func hostPanesMatchTheirGoldens(width: Int, height: Int) async {
        var db = await Self.app([.char("5"), .char("h"), .char("h")])
        Golden.check(db.draw(width: width, height: height), "hosts-system-db1-\(width)x\(height)")
    }
}
