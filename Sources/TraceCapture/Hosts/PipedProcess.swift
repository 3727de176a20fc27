import Glibc

/// A child process with pipes on its stdin, stdout and stderr (ssh, for a remote capture), in a process group
/// of its own so that the terminal's Ctrl-C reaches tracetui alone, which ends the child in its own order.
final class PipedProcess: @unchecked Sendable {
    // The descriptors are closed once, by their owner thread or by `closeInput`; `pid` never changes.
    let pid: pid_t
    private(set) var input: Int32
    let output: Int32
    let errors: Int32

    init(_ argv: [String], environment: [String: String] = [:], stdinFile: String? = nil) throws(CaptureError) {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw CaptureError("cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec: another host's ssh, spawned meanwhile, must not hold this one's pipes open.
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinFile {
            posix_spawn_file_actions_addopen(&actions, 0, stdinFile, O_RDONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // A group of its own; SIGPIPE and the stop signals back to their defaults in the child.
        posix_spawnattr_setpgroup(&attr, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        // Nothing blocked either: a thread that blocks signals (a dispatch worker) would pass its mask on, and ssh
        // would then ignore the SIGTERM that ends it.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var env = Self.currentEnvironment()
        for (k, v) in environment { env.append("\(k)=\(v)") }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, argv[0], &actions, &attr, &cArgs, &cEnv)
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1])
            close(outPipe[0])
            close(errPipe[0])
            throw CaptureError("cannot run \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        input = inPipe[1]
        output = outPipe[0]
        errors = errPipe[0]
    }

    private static func currentEnvironment() -> [String] {
        var out: [String] = []
        var p = environ
        while let entry = p.pointee {
            out.append(String(cString: entry))
            p += 1
        }
        return out
    }

    /// Writes all of `bytes` to the child's stdin; false once it is closed or gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        guard input >= 0 else { return false }
        return bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = write(input, b.baseAddress! + done, b.count - done)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }

    /// Closes the child's stdin: ssh sends EOF, and the remote capture stops by itself.
    func closeInput() {
        if input >= 0 {
            close(input)
            input = -1
        }
    }

    /// The exit status once the child has ended (nil while it runs): the code, or 128 + the signal.
    func poll() -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return r < 0 ? -1 : nil }
        return Self.code(status)
    }

    /// Waits up to `seconds` for the child to end; its exit status, or nil if it still runs.
    func wait(seconds: Double) -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while true {
            if let s = poll() { return s }
            if ContinuousClock.now >= deadline { return nil }
            usleep(10_000)
        }
    }

    func signal(_ number: Int32) { kill(pid, number) }

    static func code(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
