import Glibc
import TraceModel

/// A file written whole or not at all: the bytes go to a temporary beside the target (`.NAME.tracetui-XXXXXX`, so
/// the rename stays on one filesystem), which `commit()` renames over the target once everything is on disk.
/// Until then the target is untouched; on an error (or if the writer is dropped uncommitted) the temporary is
/// removed, and the error names the target and the reason. A full disk leaves no truncated JSON, no 0-byte file.
///
/// A target that is not a regular file (`/dev/null`, a FIFO) is written in place (`inPlace`).
///
/// Writes `<path>` (and, while writing, `<dir>/.<name>.tracetui-XXXXXX`).
public final class AtomicFile {
    public let path: String
    public let temporaryPath: String
    public let fd: Int32
    public private(set) var bytesWritten = 0
    /// The errno of the first failed write; later writes are skipped.
    public private(set) var failure: Int32 = 0
    private var done = false
    /// With `countLines`: the whole lines written so far and where the last one ends (what `--keep-partial` keeps).
    public private(set) var wholeLines = 0
    public private(set) var wholeLinesEnd = 0
    private let countLines: Bool

    /// The target is not a regular file (`/dev/null`, a FIFO, a terminal): written in place, as nothing can be
    /// renamed over a device without replacing the device itself with a file.
    public let inPlace: Bool

    public init(path requested: String, countLines: Bool = false) throws(CaptureError) {
        self.countLines = countLines
        var info = stat()
        if stat(requested, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let fd = open(requested, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CaptureError("cannot write \(requested): \(MappedFile.reason(errno))") }
            self.path = requested
            self.fd = fd
            temporaryPath = requested
            inPlace = true
            return
        }
        inPlace = false
        // A symbolic link keeps pointing where it did: the file it names is the one replaced.
        var link = stat()
        let path = lstat(requested, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK
            ? (realpath(requested, nil).map { p in defer { free(p) }; return String(cString: p) } ?? requested)
            : requested
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array((dir + "." + name + ".tracetui-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CaptureError("cannot write \(path): \(MappedFile.reason(errno))") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.fd = fd
        temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkstemp makes the file 0600; a new file gets what open(…, 0644) would (the umask applies).
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o644 & ~mask)
        TraceWriter.giveToInvokingUser(fd: fd)
    }

    deinit {
        if !done { abandon() }
    }

    /// Appends bytes; a failure is kept (see `failure`) and reported by `commit`.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == 0, !done else { return }
        let start = bytesWritten
        let (written, error) = Self.writeAll(fd, bytes)
        bytesWritten += written
        failure = error
        if countLines { countWholeLines(UnsafeRawBufferPointer(rebasing: bytes[0..<written]), at: start) }
    }

    /// Writes all of `bytes` to `fd`, again after a short write or EINTR; the bytes written, and the error that
    /// stopped it (0: none).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, error: Int32) {
        guard var p = bytes.baseAddress else { return (0, 0) }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return (bytes.count - left, errno)
            }
            p += n
            left -= n
        }
        return (bytes.count, 0)
    }

    private func countWholeLines(_ written: UnsafeRawBufferPointer, at offset: Int) {
        for k in written.indices where written[k] == 0x0A {
            wholeLines += 1
            wholeLinesEnd = offset + k + 1
        }
    }

    public func write(_ text: String) {
        var t = text
        t.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Keeps only the first `length` bytes (`record --keep-partial`: up to the last whole line) and clears the
    /// failure, so that `commit` can save them.
    public func truncate(to length: Int) throws(CaptureError) {
        guard ftruncate(fd, off_t(length)) == 0 else {
            throw CaptureError("cannot write \(path): \(MappedFile.reason(errno))")
        }
        bytesWritten = length
        failure = 0
    }

    /// Flushes the temporary to disk and renames it over the target. On any failure the temporary is removed
    /// and the error says which file and why.
    public func commit() throws(CaptureError) {
        guard !done else { return }
        var reason = failure
        if inPlace {
            done = true
            if close(fd) != 0, errno != EINTR, reason == 0 { reason = errno }
            if reason != 0 { throw CaptureError("cannot write \(path): \(MappedFile.reason(reason))") }
            return
        }
        if reason == 0, fsync(fd) != 0, errno != EINVAL { reason = errno }
        if reason == 0, close(fd) != 0, errno != EINTR { reason = errno }
        done = true
        if reason == 0, rename(temporaryPath, path) != 0 { reason = errno }
        if reason != 0 {
            unlink(temporaryPath)
            throw CaptureError("cannot write \(path): \(MappedFile.reason(reason))")
        }
    }

    /// Removes the temporary; the target stays as it was.
    public func abandon() {
        guard !done else { return }
        done = true
        close(fd)
        if !inPlace { unlink(temporaryPath) }
    }

    /// Writes `bytes` to `path` whole or not at all.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(CaptureError) {
        let f = try AtomicFile(path: path)
        f.write(bytes)
        try f.commit()
    }
}
