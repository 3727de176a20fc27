import Glibc
import TraceModel

/// Writes the samples of a session to its sidecar file (see `ProcSidecar` for the format).
///
/// Writes `<path>`: the header at creation, then one sample per `append`, flushed so that a session cut
/// short keeps what it sampled.
public final class ProcSidecarWriter {
    private let file: UnsafeMutablePointer<FILE>
    public let path: String

    public init(path: String, pageSize: Int = ProcReader.pageSize) throws(CaptureError) {
        guard let f = fopen(path, "w") else {
            throw CaptureError("\(path): \(String(cString: strerror(errno)))")
        }
        file = f
        self.path = path
        TraceWriter.giveToInvokingUser(fd: fileno(f))
        write(ProcSidecar.header(pageSize: pageSize))
    }

    deinit { fclose(file) }

    public func append(_ sample: ProcSample) {
        write(ProcSidecar.encode(sample))
    }

    private func write(_ text: String) {
        var t = text
        t.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        fflush(file)
    }
}

/// Loads a sidecar written by `ProcSidecarWriter`.
public enum ProcSidecarFile {
    /// The samples next to a trace (`TRACE.proc`), nil if there is no such file or it is not a sidecar.
    public static func load(forTrace trace: String) -> ProcHistory? {
        load(path: ProcSidecar.path(forTrace: trace))
    }

    /// Writes every sample of a live session next to the trace it saved (`TRACE.proc`); returns the path.
    @discardableResult
    public static func save(_ history: ProcHistory, forTrace trace: String) throws(CaptureError) -> String {
        // Whole or not at all, like the trace it sits beside.
        let path = ProcSidecar.path(forTrace: trace)
        let file = try AtomicFile(path: path)
        file.write(ProcSidecar.header(pageSize: history.pageSize))
        for sample in history.samples { file.write(ProcSidecar.encode(sample)) }
        try file.commit()
        return path
    }

    public static func load(path: String) -> ProcHistory? {
        guard let file = try? MappedFile(path: path) else { return nil }
        guard let decoded = ProcSidecar.decode(file.bytes), !decoded.samples.isEmpty else { return nil }
        return ProcHistory(decoded.samples, pageSize: decoded.pageSize)
    }
}
