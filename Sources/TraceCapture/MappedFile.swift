import Glibc
import TraceModel

/// A trace file mapped read-only into memory: rows point into it instead of copying lines.
///
/// Reads `<path>`; regular files are mapped, anything else (a pipe, `/dev/stdin`) is read whole.
public final class MappedFile: ByteStorage, @unchecked Sendable {
    // The mapping is created in init and unmapped in deinit only: immutable in between.
    private let base: UnsafeRawPointer?
    private let mappedLength: Int
    private let owned: OwnedBytes?
    public let path: String

    /// `populate` maps every page up front (one pass of the kernel instead of a fault per page touched):
    /// right for a full scan such as `stat`, wrong for a viewer that wants its first screen at once.
    public init(path: String, populate: Bool = false) throws(CaptureError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureError(Self.openFailure(path, errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CaptureError("cannot read \(path): \(Self.reason(errno))") }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw CaptureError("\(path) is a directory, not a trace file") }
        if (st.st_mode & S_IFMT) == S_IFREG {
            let size = Int(st.st_size)
            owned = nil
            mappedLength = size
            if size == 0 {
                base = nil
                return
            }
            let flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0)
            guard let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED else {
                throw CaptureError("cannot map \(path): \(Self.reason(errno))")
            }
            madvise(p, size, MADV_SEQUENTIAL)
            base = UnsafeRawPointer(p)
        } else {
            owned = OwnedBytes(try Self.readAll(fd, path: path))
            base = nil
            mappedLength = 0
        }
    }

    /// Bytes already read (a stream's first block, or a whole stream), held as if they were the file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        owned = OwnedBytes(bytes)
        base = nil
        mappedLength = 0
    }

    /// Reads a whole regular file (small ones: a uftrace.data directory's parts).
    static func contents(of path: String) throws(CaptureError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureError(openFailure(path, errno)) }
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    public var bytes: UnsafeRawBufferPointer {
        if let owned { return owned.bytes }
        return UnsafeRawBufferPointer(start: base, count: mappedLength)
    }

    /// Drops the range's whole pages from this process's memory: a viewer of a file larger than memory
    /// then holds only the pages it shows, and a load's peak is the columns plus the pieces in flight.
    public func doneParsing(_ range: Range<Int>) {
        guard let base, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound == mappedLength ? mappedLength : range.upperBound / page * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }
    }

    private static func readAll(_ fd: Int32, path: String) throws(CaptureError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CaptureError("cannot read \(path): \(reason(errno))")
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    static func openFailure(_ path: String, _ err: Int32) -> String {
        switch err {
        case ENOENT: return "no such file: \(path)"
        case EACCES, EPERM: return "permission denied: \(path)"
        default: return "cannot open \(path): \(reason(err))"
        }
    }

    static func reason(_ err: Int32) -> String {
        String(cString: strerror(err))
    }
}
