import Foundation
import Glibc
import TraceModel

/// Decodes a `perf.data` file through `perf script`, the canonical decoder (build-ids, DWARF unwinding of
/// `--call-graph dwarf` samples, tracepoint formats), and hands its text on in blocks cut at sample boundaries as
/// it streams from perf's stdout — no temporary file.
///
/// Runs `perf script -i <path> --ns -F +pid`: perf's default fields for every event type (samples with their
/// callchains, tracepoints with their fields), the pid beside the tid, and nanosecond timestamps.
public enum PerfDataReader {
    /// The first bytes of a perf.data file.
    public static let magic = Array("PERFILE2".utf8)

    /// What to tell a user who has no perf.
    public static let missingPerf = "reading perf.data needs perf: install linux-perf (Debian) or linux-tools-common "
        + "and linux-tools-$(uname -r) (Ubuntu), or convert it where perf is: perf script -F +pid --ns > trace.txt"

    /// `perf` on the PATH (or `TRACETUI_PERF`), nil when absent.
    public static func perfPath() -> String? {
        if let forced = ProcessInfo.processInfo.environment["TRACETUI_PERF"] {
            return access(forced, X_OK) == 0 ? forced : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/perf"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The text blocks of `perf script` on `path`, each ending after a whole sample.
    /// `perf` is the binary to run (nil: none here, the stream fails with `missingPerf`).
    public static func blocks(path: String, perf: String? = perfPath(), firstSize: Int = 1 << 20, size: Int = 8 << 20)
        -> AsyncThrowingStream<OwnedBytes, Error> {
        AsyncThrowingStream(bufferingPolicy: .bufferingNewest(Int.max)) { continuation in
            let thread = Thread {
                do {
                    try run(path: path, perf: perf, firstSize: firstSize, size: size) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.start()
        }
    }

    private static func run(path: String, perf: String?, firstSize: Int, size: Int,
                            emit: (OwnedBytes) -> Void) throws(CaptureError) {
        guard let perf else { throw CaptureError(missingPerf) }
        let child = try ScriptChild(perf: perf, path: path)
        var pending: [UInt8] = []
        var want = firstSize
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(child.stdout, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            if pending.count >= want, let cut = cutPoint(pending, from: max(want / 2, pending.count - (64 << 10))) {
                emit(pending.withUnsafeBytes { OwnedBytes(copying: UnsafeRawBufferPointer(rebasing: $0[0..<cut])) })
                pending.removeFirst(cut)
                want = size
            }
        }
        if !pending.isEmpty { emit(pending.withUnsafeBytes { OwnedBytes(copying: $0) }) }
        let (status, errors) = child.finish()
        if status != 0 {
            let last = errors.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
            throw CaptureError("perf script failed on \(path): \(last)")
        }
    }

    /// The start of a sample at or after `from` whose line is complete: after a blank line (samples with
    /// callchains end with one) or at a header line (tracepoints and samples without callchains have none).
    static func cutPoint(_ bytes: [UInt8], from: Int) -> Int? {
        bytes.withUnsafeBytes { b in
            let n = b.count
            var i = from
            // Back to a line start.
            while i > 0, b[i - 1] != 0x0A { i -= 1 }
            var previousBlank = false
            while i < n {
                var e = i
                while e < n, b[e] != 0x0A { e += 1 }
                guard e < n else { return nil }
                let line = UnsafeRawBufferPointer(rebasing: b[i..<e])
                if i > from {
                    if previousBlank { return i }
                    if e > i, b[i] != 0x09, PerfSampleHeader(bytes: line) != nil { return i }
                }
                previousBlank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                i = e + 1
            }
            return nil
        }
    }
}

/// `perf script` running with its stdout on a pipe; its stderr is gathered on a thread of its own so that perf
/// never blocks on a full pipe of warnings.
private final class ScriptChild: @unchecked Sendable {
    let pid: pid_t
    let stdout: Int32
    private let stderrFD: Int32
    private let errorsDone = DispatchSemaphore(value: 0)
    // Written by the stderr thread before it signals `errorsDone`, read after the wait.
    private var errors: [UInt8] = []

    init(perf: String, path: String) throws(CaptureError) {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw CaptureError("pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addclose(&actions, out[0])
        posix_spawn_file_actions_addclose(&actions, err[0])
        let args = [perf, "script", "-i", path, "--ns", "-F", "+pid"]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var p: pid_t = 0
        let rc = posix_spawn(&p, perf, &actions, nil, argv, environ)
        close(out[1])
        close(err[1])
        guard rc == 0 else {
            close(out[0])
            close(err[0])
            throw CaptureError("cannot run \(perf): \(String(cString: strerror(rc)))")
        }
        pid = p
        stdout = out[0]
        stderrFD = err[0]
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(stderrFD, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                // Only the end matters (the error perf exits with).
                errors.append(contentsOf: buffer[0..<n])
                if errors.count > 1 << 16 { errors.removeFirst(errors.count - (1 << 15)) }
            }
            errorsDone.signal()
        }
        thread.start()
    }

    /// Closes stdout, reaps perf: its exit status and what it wrote to stderr.
    func finish() -> (Int32, String) {
        close(stdout)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        errorsDone.wait()
        close(stderrFD)
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (code, String(decoding: errors, as: UTF8.self))
    }
}
