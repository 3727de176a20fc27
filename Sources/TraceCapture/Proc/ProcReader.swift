import Glibc
import TraceModel

/// Reads `<root>/stat`, `meminfo`, `diskstats`, `net/dev`, `loadavg`, `vmstat` and `pressure/{cpu,memory,io}`
/// into a `ProcSample`.
///
/// Cheap enough to run every 100 ms: each file is opened once and re-read with `pread` at offset 0 into a
/// buffer kept between reads (the kernel regenerates the text on each read from the start).
public final class ProcReader {
    private struct Source {
        var name: String
        var fd: Int32
        var buffer: UnsafeMutableRawBufferPointer
    }

    private var sources: [Source] = []
    public let root: String

    /// Files that do not exist (no PSI, no network namespace) are left out of every sample.
    public init(root: String = "/proc") {
        self.root = root
        for name in ["stat", "meminfo", "diskstats", "net/dev", "loadavg", "vmstat",
                     "pressure/cpu", "pressure/memory", "pressure/io"] {
            let fd = open(root + "/" + name, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            sources.append(Source(name: name, fd: fd,
                                  buffer: .allocate(byteCount: name == "vmstat" ? 16384 : 8192, alignment: 8)))
        }
    }

    deinit {
        for s in sources {
            close(s.fd)
            s.buffer.deallocate()
        }
    }

    /// The files that could be opened (for `--help`-level diagnostics and tests).
    public var files: [String] { sources.map(\.name) }

    /// One sample, stamped with CLOCK_MONOTONIC and CLOCK_REALTIME taken just before reading.
    public func read() -> ProcSample {
        let mono = Self.now(CLOCK_MONOTONIC), real = Self.now(CLOCK_REALTIME)
        var filled: [String: UnsafeRawBufferPointer] = [:]
        var pressure: [(String, UnsafeRawBufferPointer)] = []
        for i in sources.indices {
            guard let bytes = fill(i) else { continue }
            let name = sources[i].name
            if name.hasPrefix("pressure/") {
                pressure.append((String(name.dropFirst(9)), bytes))
            } else {
                filled[name] = bytes
            }
        }
        var s = ProcSample.parse(stat: filled["stat"], meminfo: filled["meminfo"], diskstats: filled["diskstats"],
                                 netdev: filled["net/dev"], loadavg: filled["loadavg"], vmstat: filled["vmstat"],
                                 pressure: pressure)
        s.monotonic = mono
        s.realtime = real
        return s
    }

    /// Reads a whole file into its buffer, doubling the buffer while the file does not fit (128 CPUs).
    private func fill(_ i: Int) -> UnsafeRawBufferPointer? {
        while true {
            let buf = sources[i].buffer
            let n = pread(sources[i].fd, buf.baseAddress, buf.count, 0)
            guard n >= 0 else { return nil }
            if n < buf.count { return UnsafeRawBufferPointer(rebasing: buf[0..<n]) }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buf.count * 2, alignment: 8)
            buf.deallocate()
            sources[i].buffer = bigger
        }
    }

    static func now(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The system's page size, for converting swapped pages to bytes.
    public static var pageSize: Int { Int(getpagesize()) }
}
