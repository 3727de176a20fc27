import Glibc

/// Whether a pid that owns a `tracetui-PID` instance or `tracetui_PID` probes is still a running tracetui.
///
/// Reads `<proc>/PID/stat`: a zombie (`Z`) or dead (`X`) process is not alive — `kill(pid, 0)` succeeds on a
/// zombie, so a SIGKILLed tracetui whose parent had not reaped it kept its instance tracing (issue 14) — and a
/// pid reused by another program (its comm not `tracetui…`, its executable not this one's) does not own the
/// instance any more. The executable counts too: a tracetui run by another name (a copy, a symlink `tt`) has its
/// own comm, and its watchdog took it for gone and stopped its capture 0.2 s in.
public enum TracetuiProcess {
    public static func isLive(_ pid: Int32, proc: String = "/proc") -> Bool {
        guard pid > 0 else { return false }
        guard let stat = read(proc + "/\(pid)/stat") else {
            // No /proc to ask (or the pid is gone): the kernel's answer alone.
            return kill(pid, 0) == 0 || errno == EPERM
        }
        guard let open = stat.firstIndex(of: UInt8(ascii: "(")), let close = stat.lastIndex(of: UInt8(ascii: ")")),
              open < close else { return false }
        let comm = stat[(open + 1)..<close]
        var k = close + 1
        while k < stat.count, stat[k] == UInt8(ascii: " ") { k += 1 }
        guard k < stat.count else { return false }
        let state = stat[k]
        if state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") || state == UInt8(ascii: "x") { return false }
        return comm.starts(with: Array("tracetui".utf8)) || runs(pid, sameFileAs: "/proc/self/exe", proc: proc)
    }

    /// Whether `<proc>/PID/exe` is the file at `path` (a process of this very binary, whatever its name).
    static func runs(_ pid: Int32, sameFileAs path: String, proc: String) -> Bool {
        var theirs = stat(), ours = stat()
        guard stat(proc + "/\(pid)/exe", &theirs) == 0, stat(path, &ours) == 0 else { return false }
        return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino
    }

    /// When the process started (`starttime`, field 22 of `<proc>/PID/stat`, in clock ticks since boot): a pid
    /// the kernel gave to another process since has another.
    public static func startTime(_ pid: Int32, proc: String = "/proc") -> UInt64? {
        guard pid > 0, let stat = read(proc + "/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        // Fields after the comm, from field 3 (state): starttime is the 20th of them.
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count >= 20 else { return nil }
        var value: UInt64 = 0
        for b in fields[19] {
            guard b >= 48, b <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - 48))
            guard !o1, !o2 else { return nil }
            value = a
        }
        return value
    }

    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }
}
