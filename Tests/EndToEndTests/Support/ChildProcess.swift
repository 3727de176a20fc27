import Foundation

/// Runs a program to completion with `posix_spawn` and `waitpid`, its output captured in temporary files.
///
/// Foundation's `Process` is not used for this: on Linux it learns that a child exited when a socket the child
/// inherited is closed, and `tmux new-session` forks a server that keeps every inherited descriptor open, so
/// `waitUntilExit()` never returns. The child also gets an empty signal mask and default signal actions: the
/// test runs on a libdispatch worker thread that blocks most signals, and a tmux server (and every tracetui run
/// inside it) would otherwise inherit that mask and ignore SIGTERM, SIGHUP and SIGWINCH.
enum ChildProcess {
    struct Outcome {
        /// The exit code, or 128 + the signal number if the child was killed.
        let status: Int32
        let stdout: Data
        let stderr: Data
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift's Glibc module does not import.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(10)) throws -> Outcome {
        let base = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("tracetui-e2e-child-\(UUID().uuidString)")
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Close everything else: a tmux server that kept another test's pipe or Foundation's socket open would
        // make that test wait forever, as described above.
        if let closeFrom = addCloseFrom {
            _ = closeFrom(&actions, 3)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw E2EError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }

        var status: Int32 = 0
        let deadline = ContinuousClock.now + timeout
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped == -1 && errno != EINTR {
                throw E2EError("waitpid(\(pid)) failed: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                // Bounded too: a child stuck in the kernel (a wedged tracefs) does not die of SIGKILL.
                for _ in 0..<200 where waitpid(pid, &status, WNOHANG) != pid { usleep(10_000) }
                throw E2EError("`\(([executable] + arguments).joined(separator: " "))` did not exit within \(timeout)")
            }
            usleep(1_000)
        }
        let signal = status & 0x7f
        return Outcome(
            status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
            stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
            stderr: FileManager.default.contents(atPath: errPath) ?? Data())
    }
}
