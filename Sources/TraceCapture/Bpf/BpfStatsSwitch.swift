import CBpf
import Glibc

/// Turns BPF run statistics on for a session and puts back what it found, on every exit path.
///
/// Writes `<proc>/sys/kernel/bpf_stats_enabled` (`1`), and also holds a `BPF_ENABLE_STATS` fd: the kernel keeps
/// statistics on while any such fd is open and drops it with the process, so the counts stay right even if
/// another session puts the sysctl back under us. The previous value goes back on `restore` (quit and stop
/// signals: the caller's defer), in a crash handler (`emergencyRestore`, async-signal-safe), and after SIGKILL
/// from a note file (`<run>/tracetui-bpf-stats.<pid>`, the value it found) that `tracetui cleanup` reads once
/// the pid is gone: a note left behind is a restore still owed.
public final class BpfStatsSwitch: @unchecked Sendable {
    public let path: String
    public let note: String
    /// What the sysctl said before (`0` or `1`).
    public let previous: UInt8
    private var statsFd: Int32
    private var restored = false

    public static let runDirectory = "/run"

    public init(procRoot: String = "/proc", runDirectory: String = BpfStatsSwitch.runDirectory) throws(CaptureError) {
        path = procRoot + "/sys/kernel/bpf_stats_enabled"
        note = runDirectory + "/tracetui-bpf-stats.\(getpid())"
        var b: UInt8 = 0
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw CaptureError("--bpf-stats: \(path): \(String(cString: strerror(errno)))"
                + (errno == EACCES ? " (it needs root)" : ""))
        }
        defer { close(fd) }
        guard pread(fd, &b, 1, 0) == 1 else { throw CaptureError("--bpf-stats: cannot read \(path)") }
        previous = b == UInt8(ascii: "1") ? b : UInt8(ascii: "0")
        // The note first: from here on a killed process owes a restore.
        Self.writeFile(note, [previous, UInt8(ascii: "\n")])
        BpfStatsEmergency.register(path: path, note: note, previous: previous)
        var one = UInt8(ascii: "1")
        guard pwrite(fd, &one, 1, 0) == 1 else {
            let reason = String(cString: strerror(errno))
            unlink(note)
            BpfStatsEmergency.unregister()
            throw CaptureError("--bpf-stats: writing \(path): \(reason)")
        }
        statsFd = bpf_enable_stats(BPF_STATS_RUN_TIME)
    }

    deinit { restore() }

    /// Puts the previous value back and closes the stats fd (once; later calls do nothing).
    public func restore() {
        guard !restored else { return }
        restored = true
        Self.writeFile(path, [previous])
        if statsFd >= 0 { close(statsFd) }
        statsFd = -1
        unlink(note)
        BpfStatsEmergency.unregister()
    }

    /// What a killed session owed: for every note of a pid that is gone, writes the value back and removes the
    /// note. Returns what it did, one line each.
    @discardableResult
    public static func restoreLeftovers(procRoot: String = "/proc", runDirectory: String = runDirectory,
                                        onlyPid: Int32? = nil) -> [String] {
        guard let dir = opendir(runDirectory) else { return [] }
        defer { closedir(dir) }
        var done: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("tracetui-bpf-stats."), let pid = Int32(name.dropFirst(19)) else { continue }
            if let onlyPid, pid != onlyPid { continue }
            guard !TracetuiProcess.isLive(pid, proc: procRoot) else { continue }
            let notePath = runDirectory + "/" + name
            guard let text = BpfReader.readSmall(notePath), let v = text.utf8.first,
                  v == UInt8(ascii: "0") || v == UInt8(ascii: "1") else { continue }
            writeFile(procRoot + "/sys/kernel/bpf_stats_enabled", [v])
            unlink(notePath)
            done.append("restored kernel.bpf_stats_enabled=\(v == UInt8(ascii: "1") ? 1 : 0) (left on by pid \(pid))")
        }
        return done
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// The restore a crash handler performs, from buffers it reads without allocating.
public enum BpfStatsEmergency {
    private static let capacity = 512
    nonisolated(unsafe) private static let path = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
    nonisolated(unsafe) private static let note = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
    nonisolated(unsafe) private static let value = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    nonisolated(unsafe) private static var armed = false

    static func register(path p: String, note n: String, previous: UInt8) {
        copy(p, into: path)
        copy(n, into: note)
        value.pointee = previous
        armed = true
    }

    static func unregister() { armed = false }

    private static func copy(_ s: String, into p: UnsafeMutablePointer<CChar>) {
        let bytes = Array(s.utf8.prefix(capacity - 1))
        for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
        p[bytes.count] = 0
    }

    /// Async-signal-safe: open, write, close, unlink only. For crash handlers (`CrashGuard.addCleanup`).
    public static let restore: @convention(c) () -> Void = {
        guard BpfStatsEmergency.armed else { return }
        let fd = open(BpfStatsEmergency.path, O_WRONLY)
        if fd >= 0 {
            _ = write(fd, BpfStatsEmergency.value, 1)
            close(fd)
        }
        unlink(BpfStatsEmergency.note)
    }
}
