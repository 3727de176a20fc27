import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Live, the reader keeps the latency passes' typed values only once the latency view has opened: the app asks for
/// them (`Effect.keepLatencyFields`) the first time, once a session, and never in replay.
@Suite("Typed capture asked when the latency view opens")
struct LatencyCaptureEffectTests {
    static func asks(_ effects: [Effect]) -> Int {
        effects.count { if case .keepLatencyFields = $0 { true } else { false } }
    }

    static func liveApp() -> TraceApp {
        let snapshot = LiveScreenTests.liveSnapshot(LiveStatus(), lines: 5, generation: 1)
        var app = TraceApp(snapshot: snapshot)
        _ = app.handle(.snapshot(snapshot))
        return app
    }

    @Test func theFirstOpeningAsksOnceAndLaterOnesDoNot() {
        var app = Self.liveApp()
        // Given a live session that never showed the latency view, other views ask nothing.
        var effects = app.handle(.char("3")) + app.handle(.char("7")) + app.handle(.char("1"))
        #expect(Self.asks(effects) == 0)
        // When `6` opens it: asked once.
        effects = app.handle(.char("6"))
        #expect(app.focus == .latency)
        #expect(Self.asks(effects) == 1)
        // Then leaving, opening again, new snapshots and ticks ask no more.
        effects = app.handle(.char("1")) + app.handle(.char("6"))
            + app.handle(.snapshot(LiveScreenTests.liveSnapshot(LiveStatus(), lines: 9, generation: 2)))
            + app.handle(.tick, at: .seconds(5)) + app.handle(.char("6"))
        #expect(Self.asks(effects) == 0)
    }

    @Test func aReplayNeverAsks() {
        var app = Fixtures.app()
        let effects = app.handle(.char("6")) + app.handle(.char("1")) + app.handle(.char("6"))
        #expect(app.focus == .latency)
        #expect(Self.asks(effects) == 0)
    }

    @Test func openedBeforeTheFirstLiveSnapshotItAsksWhenOneComes() {
        // The viewer starts from the capture's first, still empty snapshot (not yet marked live); `6` then.
        var app = TraceApp(snapshot: Fixtures.snapshot(""))
        #expect(Self.asks(app.handle(.char("6"))) == 0)
        let effects = app.handle(.snapshot(LiveScreenTests.liveSnapshot(LiveStatus(), lines: 5, generation: 1)))
            + app.handle(.snapshot(LiveScreenTests.liveSnapshot(LiveStatus(), lines: 6, generation: 2)))
        #expect(Self.asks(effects) == 1)
    }

    /// Through the run loop, as the live viewer runs it: the host receives the effect once (it turns the reader's
    /// `LatencyCaptureSwitch` on).
    @MainActor
    @Test func theRunLoopHandsItToTheHostOnce() {
        final class Host: AppHost {
            var asked = 0
            func perform(_ effect: Effect, jobs: JobRunner) {
                if case .keepLatencyFields = effect { asked += 1 }
            }
        }
        let host = Host()
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: [.char("6")]), (at: .seconds(2), keys: [.char("1")]),
                                             (at: .seconds(3), keys: [.char("6")]), (at: .seconds(4), keys: [.char("q")])])
        let loop = RunLoop(app: Self.liveApp(), terminal: terminal, sources: .init(), host: host, now: { terminal.now })
        loop.run()
        #expect(loop.app.latency != nil)
        #expect(host.asked == 1)
    }
}
