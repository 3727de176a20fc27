import Glibc

/// Whether a pid that owns a `tracetui-PID` instance or `tracetui_PID` probes is still a running tracetui.
///
/// Reads `<proc>/PID/stat`: a zombie (`Z`) or dead (`X`) process is not alive — `kill(pid, 0)` succeeds on a
/// zombie, so a SIGKILLed tracetui whose parent had not reaped it kept its instance tracing (issue 14) — and a
/// pid reused by another program (its comm not `tracetui…`) does not own the instance any more.
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
        return comm.starts(with: Array("tracetui".utf8))
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
