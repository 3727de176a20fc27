import Foundation
import Glibc
import Screen
import Terminal
import TraceCapture
import TraceModel
import TraceTUI

/// What a frame costs at 160×45 over a large store (issue 12's figures): for each view, a key, the app's
/// handling, layout and render into a canvas, and ncurses presenting it on a pseudo-terminal the benchmark
/// reads from (so the terminal's writes are counted too). CPU time is the main thread's
/// (CLOCK_THREAD_CPUTIME_ID); key to screen is wall time from the key to `present` returning.
@MainActor
enum FramesBench {
    static let width = 160, height = 45

    /// On the main actor throughout, so that the thread whose CPU time is read is the one that did the work.
    static func run(path: String) async throws(BenchError) {
        let input: TraceInput
        do { input = try TraceInput(path: path) } catch { throw BenchError("\(path): \(error)") }
        let session = CaptureSession(sourceName: (path as NSString).lastPathComponent)
        let started = ContinuousClock.now
        await session.replay([input])
        let snapshot = session.snapshots.current
        print("frames: \(StatusBar.grouped(snapshot.store.count)) events loaded in "
              + String(format: "%.1f s", (ContinuousClock.now - started).seconds) + ", frames at \(width)x\(height)")
        let terminal = PtyTerminal.open(width: width, height: height)
        defer { terminal?.close() }
        let views: [(String, [Key], [Key])] = [
            ("stream, moving", [], [.char("j"), .char("j"), .pageDown, .char("k")]),
            ("stream, filtered", [.char("f")] + "event =~ sched".map { .char($0) } + [.enter], [.char("j"), .pageDown]),
            ("hotspots", [.char("3")], [.char("j"), .pageDown, .char("k")]),
            ("flame graph", [.char("4")], [.down, .right, .left]),
            ("help", [.char("?")], [.char("j"), .char("k")]),
            // Whole trace down to 1 ns a column and back (36 zooms), then pans by half a screen.
            ("timeline, zooming", [.char("7")], Array(repeating: .char("+"), count: 18) + Array(repeating: .char("-"), count: 18)),
            ("timeline, panning", [.char("7")] + Array(repeating: .char("+"), count: 10),
             [.pageDown, .pageDown, .char("]"), .pageUp, .char("j"), .char("]"), .char("k")]),
        ]
        for (name, open, keys) in views {
            var app = TraceApp(snapshot: snapshot)
            _ = app.handle(.snapshot(snapshot))
            for key in open { await app.settle(app.handle(key)) }
            // The scans a filter leaves for later ticks, finished before timing.
            while app.nextDeadline() != nil, app.stream.isScanning(app.store) { _ = app.handle(.tick) }
            var cpu: [Double] = [], wall: [Double] = []
            for i in 0..<200 {
                let key = keys[i % keys.count]
                let wallStart = ContinuousClock.now
                let cpuStart = threadCPU()
                _ = app.handle(key)
                let canvas = app.draw(width: width, height: height)
                terminal?.screen.present(canvas)
                cpu.append(threadCPU() - cpuStart)
                wall.append((ContinuousClock.now - wallStart).seconds)
            }
            cpu.sort()
            wall.sort()
            print(String(format: "  %-18@ CPU median %.3f ms, p99 %.3f ms; key to screen median %.3f ms, p99 %.3f ms",
                         name as NSString, cpu[100] * 1e3, cpu[197] * 1e3, wall[100] * 1e3, wall[197] * 1e3))
        }
        if terminal == nil { print("  (no pseudo-terminal: frames were drawn but not presented)") }
    }

    /// This thread's CPU time in seconds.
    nonisolated static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// ncurses on a pty of the benchmark's own; a thread reads and discards what it is sent, as a terminal would.
@MainActor
final class PtyTerminal {
    let screen: TerminalScreen
    private let master: Int32

    private init(screen: TerminalScreen, master: Int32) {
        self.screen = screen
        self.master = master
    }

    static func open(width: Int, height: Int) -> PtyTerminal? {
        // TIOCSPTLCK (unlock) and TIOCGPTN (the slave's number) are what posix_openpt's helpers do.
        let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            return nil
        }
        let slave = Glibc.open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { return nil }
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while read(master, &buffer, buffer.count) > 0 {}
        }
        setenv("TERM", "xterm-256color", 0)
        guard let screen = try? TerminalScreen.open(theme: .monochrome, mouse: false, input: slave, output: slave) else {
            return nil
        }
        return PtyTerminal(screen: screen, master: master)
    }

    func close() { screen.close() }
}
