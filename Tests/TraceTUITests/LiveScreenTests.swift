import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// Live mode: the stream follows the tail, space pauses the view, the status bar shows rate, losses, evictions.
@Suite("Live screen")
struct LiveScreenTests {
    static func liveSnapshot(_ status: LiveStatus, lines: Int, generation: Int, evictFirst: Int = 0) -> TraceSnapshot {
        var text = ""
        for i in 0..<lines {
            text += "            bash-\(100 + i)   [000] d..2. 100.\(String(100_000 + i).suffix(6)): sched_switch: prev_comm=bash prev_pid=\(100 + i) prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
        }
        var snap = Fixtures.snapshot(text)
        snap.live = status
        snap.generation = generation
        return snap
    }

    @Test func theStreamFollowsTheTailUntilSpacePausesIt() {
        var status = LiveStatus()
        status.eventsPerSecond = 12345
        var app = TraceApp(snapshot: Self.liveSnapshot(status, lines: 10, generation: 1))
        _ = app.handle(.snapshot(Self.liveSnapshot(status, lines: 10, generation: 1)))
        #expect(app.stream.cursor == 9)
        _ = app.handle(.snapshot(Self.liveSnapshot(status, lines: 20, generation: 2)))
        #expect(app.stream.cursor == 19)
        _ = app.handle(.char(" "))
        #expect(app.paused)
        _ = app.handle(.snapshot(Self.liveSnapshot(status, lines: 30, generation: 3)))
        #expect(app.stream.cursor == 19, "paused: the view stays while rows arrive")
        let bar = Fixtures.render(&app, width: 140, height: 10).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bar.contains("‖ paused"))
        #expect(bar.contains("12,345 ev/s"))
        #expect(bar.contains("no loss"))
        _ = app.handle(.char(" "))
        _ = app.handle(.snapshot(Self.liveSnapshot(status, lines: 40, generation: 4)))
        #expect(!app.paused)
        #expect(app.stream.cursor == 39)
    }

    @Test func lossesAndEvictionsShowInTheStatusBar() {
        var status = LiveStatus()
        status.kernelOverrun = 1500
        status.evicted = 2_000_000
        var app = TraceApp(snapshot: Self.liveSnapshot(status, lines: 5, generation: 1))
        _ = app.handle(.snapshot(Self.liveSnapshot(status, lines: 5, generation: 1)))
        let bar = Fixtures.render(&app, width: 160, height: 10).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bar.contains("● live"))
        #expect(bar.contains("lost 1,500"))
        #expect(bar.contains("evicted 2,000,000 oldest"))
    }

    @Test func wAsksForAFileAndAsksTheHostToSaveIt() {
        var app = TraceApp(snapshot: Self.liveSnapshot(LiveStatus(), lines: 5, generation: 1))
        _ = app.handle(.snapshot(Self.liveSnapshot(LiveStatus(), lines: 5, generation: 1)))
        _ = app.handle(.char("w"))
        #expect(Fixtures.render(&app, width: 100, height: 10).text.contains("save to: tracetui-live.txt"))
        let saves = app.handle(.enter).compactMap { if case .save(let path, _) = $0 { path } else { nil } }
        #expect(saves == ["tracetui-live.txt"])
        // A second `w` while the first is written waits for it.
        _ = app.handle(.char("w"))
        #expect(app.handle(.enter).isEmpty)
        #expect(app.message == "still saving the previous file")
        _ = app.handle(.saved("saved 5 events to tracetui-live.txt"))
        #expect(app.lastSaved == "saved 5 events to tracetui-live.txt")
        _ = app.handle(.char("w"))
        #expect(app.handle(.enter).count == 1)
    }

    @Test func thePickerNarrowsAsYouTypeAndSpaceTogglesTheSelectedEvent() {
        var status = LiveStatus()
        status.availableEvents = ["irq:irq_handler_entry", "irq:irq_handler_exit", "sched:sched_switch", "sched:sched_wakeup"]
        status.enabledEvents = ["sched:sched_switch"]
        var app = TraceApp(snapshot: Self.liveSnapshot(status, lines: 5, generation: 1))
        _ = app.handle(.snapshot(Self.liveSnapshot(status, lines: 5, generation: 1)))
        _ = app.handle(.char("e"))
        var text = Fixtures.render(&app, width: 100, height: 20).text
        #expect(text.contains("[x] sched:sched_switch"))
        #expect(text.contains("[ ] irq:irq_handler_entry"))
        #expect(text.contains("4 of 4, 1 on"))
        for c in "sched_wak" { _ = app.handle(.char(c)) }
        text = Fixtures.render(&app, width: 100, height: 20).text
        #expect(text.contains("1 of 4"))
        #expect(!text.contains("irq_handler_entry"))
        #expect(Self.toggles(app.handle(.char(" "))) == ["sched:sched_wakeup true"])
        // Ticked at once, before the capture reports it.
        #expect(Fixtures.render(&app, width: 100, height: 20).text.contains("[x] sched:sched_wakeup"))
        #expect(Self.toggles(app.handle(.char(" "))) == ["sched:sched_wakeup false"])
        _ = app.handle(.enter)
        #expect(app.mode == .browsing)
    }

    static func toggles(_ effects: [Effect]) -> [String] {
        effects.compactMap { if case .setEvent(let name, let on) = $0 { "\(name) \(on)" } else { nil } }
    }

    @Test func liveKeysGiveWayToTheCallTreesOwn() {
        #expect(Keymap.standard.command(for: .char(" "), in: .stream, live: true) == .togglePause)
        #expect(Keymap.standard.command(for: .char(" "), in: .tree, live: true) == .toggleNode)
        #expect(Keymap.standard.command(for: .char("w"), in: .tree, live: true) == .save)
        #expect(Keymap.standard.command(for: .char(" "), in: .stream, live: false) == .pageDown)
    }

    @Test func helpListsTheLiveKeysOnlyWhileLive() {
        var app = TraceApp(snapshot: Self.liveSnapshot(LiveStatus(), lines: 5, generation: 1))
        _ = app.handle(.snapshot(Self.liveSnapshot(LiveStatus(), lines: 5, generation: 1)))
        _ = app.handle(.char("?"))
        #expect(Fixtures.render(&app, width: 120, height: 80).text.contains("pick the events to trace"))
        var replay = Fixtures.app()
        _ = replay.handle(.char("?"))
        #expect(!Fixtures.render(&replay, width: 120, height: 80).text.contains("pick the events to trace"))
    }

    @Test func replayKeepsSpaceAsPageDown() {
        var app = Fixtures.app()
        _ = app.handle(.char(" "))
        #expect(!app.paused)
        _ = app.handle(.char("w"))
        #expect(app.mode == .browsing)
    }
}

@Suite("Store eviction")
struct StoreEvictionTests {
    @Test func evictingDropsWholeOldChunksAndKeepsAtLeastKeep() {
        var store = EventStore()
        for chunk in 0..<4 {
            var text = ""
            for i in 0..<10 { text += "  bash-1 [000] ..... 1.\(String(100_000 + chunk * 10 + i).suffix(6)): x: n=\(chunk * 10 + i)\n" }
            let storage = OwnedBytes(Array(text.utf8))
            store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        }
        #expect(store.count == 40)
        store.evictOldest(keeping: 25)
        #expect(store.count == 30)
        #expect(store.evictedRows == 10)
        #expect(store.payloadText(0) == "n=10")
        #expect(store.summary.events == 40, "counts cover everything seen")
        let before = store.retainedBytes
        store.evictOldest(keeping: 0, maxBytes: before / 2)
        #expect(store.retainedBytes <= before / 2)
        #expect(store.count == 10, "the newest chunk always stays")
    }
}

/// Live function_graph: the open call tree takes the calls that arrive and keeps what was unfolded and selected.
@Suite("Live call tree screen")
struct LiveCallTreeScreenTests {
    // The lines the live reader writes for funcgraph records (field=value).
    static let first = """
            bash-100   [000] .....   100.000001: funcgraph_entry: func=vfs_read depth=0
            bash-100   [000] .....   100.000002: funcgraph_entry: func=rw_verify_area depth=1
            bash-100   [000] .....   100.000003: funcgraph_exit: func=rw_verify_area calltime=0x1000 rettime=0x1400 overrun=0x0 depth=1

    """
    static let second = """
            bash-100   [000] .....   100.000004: funcgraph_entry: func=tty_read depth=1
            bash-100   [000] .....   100.000009: funcgraph_exit: func=tty_read calltime=0x2000 rettime=0x3000 overrun=0x0 depth=1
            bash-100   [000] .....   100.000010: funcgraph_exit: func=vfs_read calltime=0x0f00 rettime=0x4000 overrun=0x0 depth=0
            bash-100   [000] .....   100.000020: funcgraph_entry: func=vfs_write depth=0
            bash-100   [000] .....   100.000021: funcgraph_exit: func=vfs_write calltime=0x5000 rettime=0x5800 overrun=0x0 depth=0

    """

    static func snapshot(_ text: String, generation: Int) -> TraceSnapshot {
        var snap = Fixtures.snapshot(text)
        snap.live = LiveStatus()
        snap.generation = generation
        snap.callTree = CallTree(store: snap.store)
        return snap
    }

    @Test func theOpenTreeTakesNewCallsAndKeepsTheSelection() {
        var app = TraceApp(snapshot: Self.snapshot(Self.first, generation: 1))
        _ = app.handle(.snapshot(Self.snapshot(Self.first, generation: 1)))
        _ = app.handle(.char("2"))
        #expect(app.focus == .tree)
        var text = Fixtures.render(&app, width: 100, height: 12).text
        #expect(text.contains("▼ vfs_read"))
        #expect(text.contains("rw_verify_area"))
        #expect(!text.contains("tty_read"))
        _ = app.handle(.down)
        var canvas = Fixtures.render(&app, width: 100, height: 12)
        let selectedBefore = (0..<12).first { canvas.roles(ofRow: $0).contains(.selected) }
        #expect(selectedBefore.map { canvas.row($0).contains("rw_verify_area") } == true)

        // As the capture publishes: the same snapshot, its store and tree replaced.
        var next = Self.snapshot(Self.first, generation: 1)
        next.store = Fixtures.snapshot(Self.first + Self.second).store
        next.callTree = CallTree(store: next.store)
        next.generation = 2
        _ = app.handle(.snapshot(next))
        canvas = Fixtures.render(&app, width: 100, height: 12)
        text = canvas.text
        #expect(text.contains("▼ vfs_read"), "still unfolded")
        #expect(text.contains("tty_read"), "the new child of the open call")
        #expect(text.contains("vfs_write"), "the new top-level call")
        let selectedAfter = (0..<12).first { canvas.roles(ofRow: $0).contains(.selected) }
        #expect(selectedAfter.map { canvas.row($0).contains("rw_verify_area") } == true, "the selection stays on its call")
        // vfs_read closed: its total (0x4000 − 0xf00 ns = 12.544 µs) replaces the unfinished one.
        #expect(text.contains("12.544 µs"))
    }
}
