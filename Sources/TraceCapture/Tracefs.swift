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
