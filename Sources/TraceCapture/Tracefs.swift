import Glibc

/// Where tracefs is and whether this process may use it; mounts it when it is missing and we are root.
///
/// Reads `/proc/mounts`, `/sys/kernel/tracing`, `/sys/kernel/debug/tracing`.
public enum Tracefs {
    /// What to tell a user who cannot trace live (not root, or no tracefs).
    public static let howToRun = "live tracing needs root: run `sudo tracetui` (or open a saved log with `tracetui replay FILE`)"

    /// The tracefs directory, mounting it at /sys/kernel/tracing when absent (root only).
    public static func locate() throws(CaptureError) -> String {
        guard geteuid() == 0 else { throw CaptureError(howToRun) }
        for dir in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] where isTracefs(dir) {
            return dir
        }
        let dir = "/sys/kernel/tracing"
        if access(dir, F_OK) == 0, mount("nodev", dir, "tracefs", 0, nil) == 0, isTracefs(dir) { return dir }
        if mount("nodev", "/sys/kernel/debug", "debugfs", 0, nil) == 0, isTracefs("/sys/kernel/debug/tracing") {
            return "/sys/kernel/debug/tracing"
        }
        throw CaptureError("no tracefs on this system (mount -t tracefs nodev /sys/kernel/tracing failed: "
                           + "\(String(cString: strerror(errno)))); open a saved log with `tracetui replay FILE`")
    }

    static func isTracefs(_ dir: String) -> Bool {
        access(dir + "/instances", F_OK) == 0 && access(dir + "/available_events", R_OK) == 0
    }

    // MARK: - small file helpers (tracefs files are tiny and written whole)

    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `text` in one write(2); the kernel's error comes back as a readable reason.
    @discardableResult
    public static func write(_ path: String, _ text: String, append: Bool = false) -> String? {
        let fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC))
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        return n < 0 ? String(cString: strerror(errno)) : nil
    }
}

extension Tracefs {
    /// Whether tracefs still answers: `ls <root>/events` in a child process must end within `seconds`.
    /// After the kernel bug `TracefsLock` guards against, every access to events/ sleeps uninterruptibly
    /// forever; the child is then abandoned (no signal ends it), never waited for. Returns nil when it
    /// answers, else the reason.
    public static func unanswered(root: String, within seconds: Double = 3) -> String? {
        TracefsLock.shared {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd: Int32 in [0, 1, 2] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            }
            let args = ["/bin/ls", "-f", root + "/events"]
            let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, args[0], &actions, nil, argv, environ) == 0 else { return nil }
            let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            var status: Int32 = 0
            while ContinuousClock.now < deadline {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid { return (status & 0x7f) == 0 && (status >> 8) & 0xff == 0 ? nil : "listing \(root)/events failed" }
                if r < 0, errno != EINTR { return nil }
                usleep(10_000)
            }
            kill(pid, SIGKILL)
            return "listing \(root)/events took over \(seconds) s: tracefs is stuck (a kernel bug; only a reboot helps)"
        }
    }
}
