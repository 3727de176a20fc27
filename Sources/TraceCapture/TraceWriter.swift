import Glibc
import TraceModel

/// Writes captured rows as an ftrace text log that `tracetui replay` reads back (the `trace_pipe` form);
/// under sudo the file is given to the invoking user.
///
/// Writes `<path>`.
public enum TraceWriter {
    public static func write(_ store: EventStore, to path: String) throws(CaptureError) {
        try write(store.chunks, to: path)
    }

    /// Saves a capture: the ftrace lines to `path`, the perf samples (perf script text) to `path` when
    /// they are all it holds, else beside it in `path.perf`. Says what went where.
    @discardableResult
    public static func save(_ store: EventStore, to path: String) throws(CaptureError) -> String {
        if store.hasSeveralHosts { return try HostIndex.save(store, to: path) }
        let isSample: (EventChunk) -> Bool = { $0.storage is SampleTextBlock }
        let samples = store.chunks.filter(isSample).reduce(0) { $0 + $1.count }
        let events = store.count - samples
        if samples == 0 {
            try write(store, to: path)
            return "saved \(events) events to \(path)"
        }
        if events == 0 {
            try write(store.chunks, to: path)
            return "saved \(samples) samples to \(path) (perf script text)"
        }
        try write(store.chunks.filter { !isSample($0) }, to: path)
        try write(store.chunks.filter(isSample), to: path + ".perf")
        return "saved \(events) events to \(path) and \(samples) samples to \(path).perf"
    }

    /// Whole or not at all (`AtomicFile`): a full disk leaves the target as it was.
    static func write(_ chunks: [EventChunk], to path: String) throws(CaptureError) {
        let file = try AtomicFile(path: path)
        for chunk in chunks {
            chunk.forEachText { file.write($0) }
        }
        try file.commit()
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(CaptureError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CaptureError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// `sudo tracetui` runs as root; the saved file belongs to the user who typed it.
    public static func giveToInvokingUser(fd: Int32) {
        guard geteuid() == 0, let u = getenv("SUDO_UID").flatMap({ UInt32(String(cString: $0)) }),
              let g = getenv("SUDO_GID").flatMap({ UInt32(String(cString: $0)) }) else { return }
        _ = fchown(fd, u, g)
    }
}
