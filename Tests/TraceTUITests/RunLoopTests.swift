import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The one run loop, driven through a fake terminal and a simulated clock: keys in, frames out.
@MainActor
@Suite("Run loop")
struct RunLoopTests {
    static func loop(_ terminal: FakeTerminal, snapshot: (() -> TraceSnapshot)? = nil) -> RunLoop {
        RunLoop(app: Fixtures.app(), terminal: terminal, sources: .init(snapshot: snapshot),
                now: { terminal.now })
    }

    @Test func anIdleViewerDrawsNothingForAMinute() {
        let terminal = FakeTerminal(script: [(at: .seconds(60), keys: [.char("q")])])
        let loop = Self.loop(terminal)
        loop.run()
        #expect(terminal.frames.count == 1, "the first screen only")
        #expect(terminal.waits == [nil], "one sleep with no timeout, until the q a minute later")
        #expect(loop.renders == 1)
    }

    @Test func keysInFramesOut() {
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: [.char("j")]),
                                             (at: .seconds(2), keys: [.char("j"), .char("j")]),
                                             (at: .seconds(3), keys: [.char("q")])])
        let loop = Self.loop(terminal)
        loop.run()
        #expect(terminal.frames.count == 3, "the first screen and one per batch of keys")
        let selected = terminal.frames.map { f in (0..<f.height).first { f.roles(ofRow: $0).contains(.selected) } }
        #expect(selected == [1, 2, 4])
    }

    @Test func aKeyThatChangesNothingDrawsNothing() {
        // `k` on the first row: the cursor cannot move, the canvas is the same, nothing is presented.
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: [.char("k")]), (at: .seconds(2), keys: [.char("q")])])
        let loop = Self.loop(terminal)
        loop.run()
        #expect(loop.renders == 2)
        #expect(terminal.frames.count == 1)
    }

    @Test func aMessageIsTakenDownByATimerAndThenTheLoopSleeps() {
        // `n` with no search says so in the status bar for three seconds.
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: [.char("n")]), (at: .seconds(60), keys: [.char("q")])])
        let loop = Self.loop(terminal)
        loop.run()
        #expect(terminal.frames.count == 3, "first screen, the message, the message gone")
        #expect(terminal.waits == [nil, .seconds(3), nil])
        #expect(terminal.frames[1].row(23) != terminal.frames[2].row(23))
        #expect(terminal.frames[2] == terminal.frames[0])
    }

    @Test func newSnapshotsDrawAtMostOneFrameEachIntervalAndNoneWhenUnchanged() {
        // The capture publishes a new generation at every wake-up (keys stand in for its wake-ups here).
        var generation = 1
        let text = Fixtures.lines
        let terminal = FakeTerminal(script: (1...10).map { (at: .milliseconds(10 * $0), keys: [Key]()) }
                                    + [(at: .seconds(5), keys: [.char("q")])])
        let loop = Self.loop(terminal) {
            generation += 1
            var s = Fixtures.snapshot(text + String(repeating: text, count: generation / 4))
            s.generation = generation
            return s
        }
        loop.run()
        // 100 ms of snapshots every 10 ms: frames 33 ms apart at most, so 4 or 5 of them, not 11.
        #expect(terminal.frames.count >= 2 && terminal.frames.count <= 5, "\(terminal.frames.count) frames")
    }

    @Test func ctrlLRepaintsEverything() {
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: [.ctrl("l")]), (at: .seconds(2), keys: [.char("q")])])
        let loop = Self.loop(terminal)
        loop.run()
        #expect(terminal.invalidations == 1)
        #expect(terminal.frames.count == 2, "the same canvas, presented again in full")
    }

    @Test func jobResultsComeBackAsEvents() async {
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: [.char("3")]), (at: .seconds(2), keys: [.char("q")])])
        let loop = RunLoop(app: HotspotScreenTests.app(), terminal: terminal, sources: .init(), now: { terminal.now })
        loop.run()
        // The table is built on a background task; waiting for it and handing it over is what the loop does
        // when the job runner wakes it.
        await loop.finish("hotspots.open.hotspots")
        #expect(loop.app.hotspots != nil)
    }
}

extension RunLoopTests {
    /// A filter over more rows than one slice scans goes on by itself, between keys, until it is done; then the
    /// loop sleeps again.
    @Test func aLongFilterScanGoesOnWithoutKeysAndThenTheLoopSleeps() {
        let line = "            bash-1     [000] .....  1.000000: sched_switch: prev_comm=bash prev_pid=1\n"
        let other = "            bash-1     [000] .....  1.000000: sched_wakeup: comm=bash pid=1\n"
        let rows = StreamView.filterBudget + 1_000
        let text = String(repeating: other, count: rows) + line
        var app = TraceApp(snapshot: Fixtures.snapshot(text))
        _ = app.handle(.snapshot(Fixtures.snapshot(text)))
        let keys: [Key] = [.char("f")] + "event == sched_switch".map { .char($0) } + [.enter]
        let terminal = FakeTerminal(script: [(at: .seconds(1), keys: keys), (at: .seconds(60), keys: [.char("q")])])
        let loop = RunLoop(app: app, terminal: terminal, sources: .init(), now: { terminal.now })
        loop.run()
        #expect(loop.app.stream.visibleCount(loop.app.store) == 1, "the filter scanned every row")
        #expect(!loop.app.stream.isScanning(loop.app.store))
        #expect(terminal.waits.last.map { $0 == nil } == true, "asleep once the scan is done")
    }
}
