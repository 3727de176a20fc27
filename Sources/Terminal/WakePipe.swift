import Glibc

/// A pipe whose read end `poll` watches beside the terminal: writing a byte from any thread (or a signal
/// handler) ends the run loop's wait. Non-blocking on both ends; a full pipe already means "wake up".
public final class WakePipe: Sendable {
    let readFD: Int32
    let writeFD: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Async-signal-safe: one write(2).
    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe; returns whether anything was in it.
    @discardableResult
    public func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        var any = false
        while read(readFD, &buffer, buffer.count) > 0 { any = true }
        return any
    }
}

/// SIGWINCH chained after ncurses' own handler: ncurses still records the new size, and the wake pipe ends
/// the wait so the resize is read (as KEY_RESIZE) at once.
enum ResizeSignal {
    nonisolated(unsafe) static var previous = sigaction()
    nonisolated(unsafe) static var wakeFD: Int32 = -1

    static func chain(to pipe: WakePipe) {
        wakeFD = pipe.writeFD
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if let earlier = ResizeSignal.previous.__sigaction_handler.sa_handler,
               unsafeBitCast(earlier, to: Int.self) > 1 {   // not SIG_DFL (0) or SIG_IGN (1)
                earlier(signal)
            }
            var byte: UInt8 = 1
            _ = write(ResizeSignal.wakeFD, &byte, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGWINCH, &action, &previous)
    }
}
