import Foundation
import Glibc
import TraceCapture

/// A small process of our own that outlives a killed capture: it waits for the capture's pid to end,
/// then removes what a dead tracetui left (`tracetui cleanup --after-exit-of PID`). It runs in its own
/// session so the terminal's Ctrl-C and hangup do not reach it.
enum Watchdog {
    static func spawn(_ extra: [String] = []) {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, 0x80 /* POSIX_SPAWN_SETSID (glibc), not imported */)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let exe = Self.executable()
        let args = [exe, "cleanup", "--after-exit-of", String(getpid())] + extra
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        _ = posix_spawn(&child, exe, &actions, &attr, &argv, environ)
    }

    static func executable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Polls: the parent is not ours to wait for. A zombie counts as gone: its parent may never reap it, and
    /// its instance must not trace on until then. So does the pid given to another process (another start time).
    static func wait(for pid: Int32) {
        signal(SIGINT, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let born = TracetuiProcess.startTime(pid)
        while TracetuiProcess.isLive(pid), TracetuiProcess.startTime(pid) == born { usleep(200_000) }
    }
}
