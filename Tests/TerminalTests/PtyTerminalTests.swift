import CNcurses
import Foundation
import Glibc
import Screen
import Testing
@testable import Terminal

/// The ncurses backend on a pseudo-terminal the test makes: what it presents, what it writes to the terminal
/// (nothing when nothing changed), the keys it reads and the waits it ends. ncurses is process-wide, hence one
/// screen, opened once, in a serialized suite.
@MainActor
@Suite("ncurses on a pty", .serialized)
struct PtyTerminalTests {
    /// A pty 20×6 whose slave end is the terminal; the master end is what a terminal emulator would read.
    final class Pty {
        let master: Int32
        let slave: Int32

        init(columns: UInt16, rows: UInt16) throws {
            // posix_openpt and friends are hidden behind _XOPEN_SOURCE in the Glibc module: the ioctls they
            // wrap are Linux's own (TIOCSPTLCK unlocks the slave, TIOCGPTN names it).
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
            var unlock: Int32 = 0
            var number: UInt32 = 0
            guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
                throw PtyError.open
            }
            slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
            guard slave >= 0 else { throw PtyError.open }
            var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
            _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        }

        /// Everything the terminal was sent since the last call.
        func drain() -> [UInt8] {
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            var quietPolls = 0
            while quietPolls < 3 {
                let n = read(master, &buffer, buffer.count)
                if n > 0 {
                    out += buffer[0..<n]
                    quietPolls = 0
                } else {
                    quietPolls += 1
                    usleep(5_000)
                }
            }
            return out
        }

        func type(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, text.utf8.count) }
        }
    }

    enum PtyError: Error { case open }

    @Test func presentsACanvasWritesOnlyWhatChangedReadsKeysAndWakes() async throws {
        setenv("TERM", "xterm-256color", 1)
        let hadLocale = getenv("LC_ALL").map { String(cString: $0) }
        setenv("LC_ALL", "C.UTF-8", 1)
        let pty = try Pty(columns: 20, rows: 6)
        let screen = try TerminalScreen.open(theme: .monochrome, mouse: false, input: pty.slave, output: pty.slave)
        defer {
            screen.close()
            // open() set the locale from the environment: the rest of the test process goes back to C.
            if let hadLocale { setenv("LC_ALL", hadLocale, 1) } else { unsetenv("LC_ALL") }
            setlocale(LC_ALL, "C")
        }
        #expect(screen.width == 20 && screen.height == 6)
        // What a terminal emulator on the master end would show.
        var terminal = VTReplay(width: 20, height: 6)
        terminal.feed(pty.drain())

        var canvas = Canvas(width: 20, height: 6)
        canvas.put("hello ─ wörld", x: 0, y: 1, role: .normal)
        canvas.put("status", x: 0, y: 5, role: .status)
        screen.present(canvas)
        let first = pty.drain()
        #expect(!first.isEmpty)
        terminal.feed(first)
        #expect(terminal.row(1) == "hello ─ wörld       ")
        #expect(terminal.row(5).hasPrefix("status"))
        #expect(terminal.row(0) == String(repeating: " ", count: 20))

        // The same canvas again: not a byte reaches the terminal.
        let presented = screen.presented
        screen.present(canvas)
        #expect(pty.drain().isEmpty, "nothing changed, nothing written")
        #expect(screen.presented == presented)

        // One cell changed: a cursor move and the cell, not the screen.
        canvas.put("W", x: 8, y: 1, role: .normal)
        screen.present(canvas)
        let small = pty.drain()
        #expect(!small.isEmpty && small.count < 24, "\(small.count) bytes for one cell")
        terminal.feed(small)
        #expect(terminal.row(1) == "hello ─ Wörld       ")

        // A status bar moved one row up and re-coloured: the old row is blanked, the new one drawn, in one write.
        var next = Canvas(width: 20, height: 6)
        next.put("hello ─ Wörld", x: 0, y: 1, role: .normal)
        next.put("status", x: 0, y: 4, role: .selected)
        screen.present(next)
        terminal.feed(pty.drain())
        #expect(terminal.row(4).hasPrefix("status") && terminal.row(5) == String(repeating: " ", count: 20))
        #expect(terminal.row(1) == "hello ─ Wörld       ")

        // After Ctrl-L the whole screen is cleared and drawn again.
        screen.invalidate()
        screen.present(next)
        var fresh = VTReplay(width: 20, height: 6)
        fresh.feed(pty.drain())
        #expect(fresh.row(1) == "hello ─ Wörld       " && fresh.row(4).hasPrefix("status"))

        // Keys typed on the terminal come back as keys; a wake from another thread ends a wait with none.
        pty.type("jq")
        #expect(screen.waitForKeys(timeout: .seconds(2)) == [.char("j"), .char("q")])
        let waker = screen.waker
        let started = ContinuousClock.now
        Thread.detachNewThread {
            usleep(50_000)
            waker()
        }
        #expect(screen.waitForKeys(timeout: .seconds(10)).isEmpty)
        #expect(ContinuousClock.now - started < .seconds(5), "the wake ended the wait")
        // A timeout with nothing typed: the wait ends on its own.
        #expect(screen.waitForKeys(timeout: .milliseconds(30)).isEmpty)
    }
}
