import Glibc
import TraceModel

/// Runs a command under counters, as `perf stat -- COMMAND` does: the command is started held on a pipe,
/// its counters are opened on its pid (disabled, `enable_on_exec`, `inherit`), then it is released, execs
/// (which starts the counters) and is reaped with `wait4` for its CPU times.
public enum CountedCommand {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// No executable by that name in `$PATH`, or no such path: a shell's 127.
        case notFound(String)
        /// A path that exists but cannot be executed (a directory, no x bit): a shell's 126.
        case notExecutable(String)
        /// perf_event_open refused, or the command could not be started.
        case cannotCount(String)

        public var description: String {
            switch self {
            case .notFound(let text), .notExecutable(let text), .cannotCount(let text): text
            }
        }
    }

    /// Runs `argv` to completion with its standard input and output, and returns its counts. SIGINT and
    /// SIGQUIT reach the command (same terminal) while tracetui ignores them, so Ctrl-C still prints the counts.
    ///
    /// `timeout` (for tests, whose every wait is bounded) kills the command with SIGKILL when it runs longer;
    /// its status then says so (137).
    public static func run(_ argv: [String], events: [CounterEvent] = CounterEvent.command,
                           timeout: Duration? = nil) throws(Failure) -> CommandCounts
    {
        guard let name = argv.first, !name.isEmpty else { throw .notFound("no command given") }
        guard resolve(name) != nil else {
            if name.contains("/"), access(name, F_OK) == 0 { throw .notExecutable("\(name): not an executable file") }
            throw .notFound(name.contains("/") ? "\(name): no such file" : "\(name): command not found")
        }
        let child: HeldChild
        do {
            child = try HeldChild(argv)
        } catch {
            throw .cannotCount(error.description)
        }
        let counters: PerfCounters
        do {
            counters = try PerfCounters(events: events, target: .command(pid: child.pid))
        } catch {
            child.abandon()
            throw .cannotCount(error.description)
        }
        var ignore = sigaction(), oldInt = sigaction(), oldQuit = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigaction(SIGINT, &ignore, &oldInt)
        sigaction(SIGQUIT, &ignore, &oldQuit)
        defer {
            sigaction(SIGINT, &oldInt, nil)
            sigaction(SIGQUIT, &oldQuit, nil)
        }
        let start = ProcReader.now(CLOCK_MONOTONIC)
        child.release()
        let (status, usage) = child.wait(timeout: timeout)
        let elapsed = ProcReader.now(CLOCK_MONOTONIC) - start
        let signal = status & 0x7f
        return CommandCounts(
            command: argv, reading: counters.read(), elapsedNanoseconds: elapsed,
            userMicroseconds: Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec),
            systemMicroseconds: Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec),
            exitStatus: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
    }

    /// The path a shell would run for `name`: itself when it has a slash, else the first executable match in
    /// `$PATH`; nil when there is none.
    public static func resolve(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 && !isDirectory(name) ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + name
            if access(candidate, X_OK) == 0, !isDirectory(candidate) { return candidate }
        }
        return nil
    }

    private static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

/// A command started by `/bin/sh`, which waits for one byte on a pipe and then execs it: its pid is known
/// (so counters can be opened on it) before the command runs anything, and the exec is what enables them.
/// The shell gets default signal actions and an empty mask (a Swift worker thread blocks most signals).
public struct HeldChild: Sendable {
    public let pid: pid_t
    private let releaseFD: Int32

    public init(_ argv: [String]) throws(CaptureError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CaptureError("pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let script = "read -r _ <&3; exec 3<&-; exec \"$@\""
        let args = ["/bin/sh", "-c", script, "sh"] + argv
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 3)
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
        let argvC: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argvC.forEach { free($0) } }
        var p: pid_t = 0
        let rc = posix_spawn(&p, "/bin/sh", &actions, &attributes, argvC, environ)
        close(fds[0])
        guard rc == 0 else {
            close(fds[1])
            throw CaptureError("cannot run \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = p
        releaseFD = fds[1]
    }

    /// Lets the shell exec the command.
    public func release() {
        _ = Glibc.write(releaseFD, "\n", 1)
        close(releaseFD)
    }

    /// Waits for the command to end: its wait status and its CPU times (with those of its reaped children).
    func wait(timeout: Duration? = nil) -> (Int32, rusage) {
        var status: Int32 = 0
        var usage = rusage()
        if let timeout {
            let deadline = ContinuousClock.now + timeout
            while true {
                let reaped = wait4(pid, &status, WNOHANG, &usage)
                if reaped == pid || (reaped < 0 && errno != EINTR) { return (status, usage) }
                if ContinuousClock.now >= deadline {
                    kill(pid, SIGKILL)
                    break
                }
                usleep(1000)
            }
        }
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { break }
        }
        return (status, usage)
    }

    /// Whether the command has ended (reaping it when it has).
    public func hasExited() -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid || (kill(pid, 0) != 0 && errno == ESRCH)
    }

    public func terminate() { kill(pid, SIGTERM) }

    /// Never runs the command: closing the pipe makes the shell's `read` fail, and it is killed and reaped.
    func abandon() {
        close(releaseFD)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
