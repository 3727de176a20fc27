import Screen
import TraceModel
import TraceTUI

/// Small stores and screens for view tests.
enum Fixtures {
    static let lines = """
    # tracer: nop
    #
    # entries-in-buffer/entries-written: 6/9   #P:2
    #
                bash-15638   [000] .....  1720.071781: sys_openat(dfd: 0xffffff9c, filename: 0x558dd248f030, flags: 0x241, mode: 0x1b6)
                bash-15638   [000] .....  1720.071982: sys_openat -> 0x3
                bash-15638   [000] d..2.  1720.642138: sched_switch: prev_comm=bash prev_pid=15638 prev_prio=120 prev_state=S ==> next_comm=feas next_pid=12691 next_prio=120
                feas-12691   [001] dNh6.  1720.642679: sched_wakeup: comm=-qos.overcommit pid=12692 prio=116 target_cpu=000
                feas-12691   [001] .....  1720.642680: <stack trace>
     => try_to_wake_up
     => wake_up_process
    this line is not ftrace
    CPU:1 [LOST 7 EVENTS]
        kworker/u4:2-87      [001] d..2.  1720.700000: sched_switch: prev_comm=kworker/u4:2 prev_pid=87 prev_prio=120 prev_state=I ==> next_comm=swapper/1 next_pid=0 next_prio=120

    """

    static func snapshot(_ text: String = lines, finished: Bool = true) -> TraceSnapshot {
        let storage = OwnedBytes(Array(text.utf8))
        let header = TraceHeaderScan.scan(storage.bytes)
        var store = EventStore()
        store.append(PieceParser(tracer: header.tracer).parse(storage, range: 0..<storage.bytes.count))
        return TraceSnapshot(source: "test.log", store: store,
                             progress: LoadProgress(bytesDone: text.utf8.count, bytesTotal: text.utf8.count,
                                                    seconds: 0.01, finished: finished),
                             generation: 1)
    }

    /// Renders the app once at a size and returns the canvas.
    static func render(_ app: inout TraceApp, width: Int, height: Int) -> Canvas {
        app.draw(width: width, height: height)
    }

    static func app(_ text: String = lines) -> TraceApp {
        var app = TraceApp(snapshot: snapshot(text))
        _ = app.handle(.snapshot(snapshot(text)))
        return app
    }

    static func type(_ text: String, into app: inout TraceApp) {
        for c in text { _ = app.handle(.char(c)) }
    }
}
