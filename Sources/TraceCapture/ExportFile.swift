import Glibc
import TraceModel

/// Where an export goes: a new file at `<path>` (replaced if it exists, whole or not at all: see `AtomicFile`)
/// or standard output. Dropped without a successful `finish()`, the file is not written.
///
/// Under `sudo` the file is handed to the invoking user (`SUDO_UID` / `SUDO_GID`), so that a trace exported
/// from a root session is not left owned by root in the user's directory.
public final class ExportFile {
    public let path: String?
    private let file: AtomicFile?
    private let fd: Int32
    public private(set) var bytesWritten = 0
    private var failure: Int32 = 0

    /// `path` nil or `-`: standard output.
    public init(path: String?) throws(CaptureError) {
        if let path, path != "-" {
            self.path = path
            file = try AtomicFile(path: path)
            fd = file!.fd
        } else {
            self.path = nil
            file = nil
            fd = 1
        }
    }

    deinit {
        file?.abandon()
    }

    /// A sink that writes here as it fills.
    public func sink() -> ByteSink {
        ByteSink { [self] bytes in write(bytes) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == 0 else { return }
        let (written, error) = AtomicFile.writeAll(fd, bytes)
        bytesWritten += written
        failure = error
    }

    public func write(_ text: String) {
        var t = text
        t.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Throws if any write failed (a full disk, a closed pipe); a file is renamed into place only then.
    public func finish() throws(CaptureError) {
        if failure != 0 {
            file?.abandon()
            throw CaptureError("cannot write \(path ?? "standard output"): \(MappedFile.reason(failure))")
        }
        try file?.commit()
    }
}
