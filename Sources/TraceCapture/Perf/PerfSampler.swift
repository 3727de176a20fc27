import CPerfEvent
import Glibc
import TraceModel

/// One sampling event per CPU through `perf_event_open`, each with an mmap ring the kernel writes samples
/// and mapping/comm/fork records into; `drain` reads what is there without blocking.
public final class PerfSampler: @unchecked Sendable {
    // Unchecked: the rings are read by the sampling task only; the fds are closed once, after it ends.
    private struct Ring {
        let fd: Int32
        let base: UnsafeMutableRawPointer
        let mapLength: Int
        let dataSize: Int
    }

    public let options: SamplingOptions
    private var rings: [Ring] = []
    private var extraFDs: [Int32] = []
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)
    /// Records read, samples among them, and records the kernel said it lost (`PERF_RECORD_LOST`).
    public private(set) var records = 0
    public private(set) var samples = 0
    public private(set) var lost = 0

    public init(_ options: SamplingOptions) throws(CaptureError) {
        self.options = options
        let cpus = options.cpus ?? Self.onlineCPUs()
        // Per process: each of its threads on each CPU (inherit follows the children they start), all of a
        // CPU's events writing into that CPU's one ring.
        var targets: [Int32] = []
        for pid in options.pids {
            let threads = Self.threads(of: pid)
            targets += threads.isEmpty ? [pid] : threads
        }
        if targets.isEmpty { targets = [-1] }
        do throws(CaptureError) {
            for cpu in cpus {
                var ringFD: Int32 = -1
                for target in targets {
                    let fd = try open(target: target, cpu: Int32(cpu), inherit: !options.pids.isEmpty)
                    if ringFD < 0 {
                        ringFD = fd
                        try mapRing(fd)
                    } else {
                        extraFDs.append(fd)
                        if tt_perf_ioctl(fd, TT_PERF_EVENT_IOC_SET_OUTPUT, UInt(ringFD)) != 0 {
                            throw CaptureError("perf_event_open: cannot share CPU \(cpu)'s ring: \(String(cString: strerror(errno)))")
                        }
                    }
                }
            }
        } catch {
            close()
            throw error
        }
    }

    /// Turns the events on (after the UI or the command is ready).
    public func enable() {
        for r in rings { _ = tt_perf_ioctl(r.fd, TT_PERF_EVENT_IOC_ENABLE, 0) }
        for fd in extraFDs { _ = tt_perf_ioctl(fd, TT_PERF_EVENT_IOC_ENABLE, 0) }
    }

    private func open(target: Int32, cpu: Int32, inherit: Bool) throws(CaptureError) -> Int32 {
        let e = options.event
        var attr = makePerfEventAttr(type: e.type, config: e.config)
        tt_perf_attr_set(&attr, 1, inherit ? 1 : 0, 1, 0, 1, 1, 1, 1, 1, 0)
        tt_perf_attr_sampling(&attr, UInt64(max(1, options.frequency)), 1, PerfRecord.sampleType, 1, 1, CLOCK_MONOTONIC)
        let fd = tt_perf_event_open(&attr, target, cpu, -1, TT_PERF_FLAG_FD_CLOEXEC)
        guard fd >= 0 else { throw Self.openError(errno, event: e, target: target) }
        return fd
    }

    /// The failures users meet, each in one line.
    static func openError(_ err: Int32, event: PerfEventName, target: Int32) -> CaptureError {
        switch err {
        case EACCES, EPERM:
            let paranoid = Symbolizer.readLine("/proc/sys/kernel/perf_event_paranoid") ?? "?"
            return CaptureError("perf_event_open not allowed (perf_event_paranoid is \(paranoid)): run `sudo tracetui`, or lower /proc/sys/kernel/perf_event_paranoid")
        case ENOENT where event.isHardware, EOPNOTSUPP where event.isHardware, ENODEV where event.isHardware:
            return CaptureError("this CPU's PMU has no \(event.name) event (virtual machines often have only software events): try -e cpu-clock or -e task-clock")
        case ESRCH:
            return CaptureError("no process \(target) to sample")
        case EMFILE:
            return CaptureError("perf_event_open: too many open files (one event per thread and CPU): raise ulimit -n")
        default:
            return CaptureError("perf_event_open \(event.name): \(String(cString: strerror(err)))")
        }
    }

    private func mapRing(_ fd: Int32) throws(CaptureError) {
        var pages = 1
        while pages < options.ringPages { pages <<= 1 }
        let length = (pages + 1) * pageSize
        let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else {
            Glibc.close(fd)
            throw CaptureError("mmap of a perf ring: \(String(cString: strerror(errno))) (perf_event_mlock_kb?)")
        }
        rings.append(Ring(fd: fd, base: p, mapLength: length, dataSize: pages * pageSize))
    }

    /// Moves every ring's records into `queue` (parsed), freeing their space; returns how many.
    @discardableResult
    public func drain(into queue: inout PerfRecordQueue) -> Int {
        var n = 0
        for r in rings {
            let head = tt_perf_ring_head(r.base)
            var tail = tt_perf_ring_tail(r.base)
            let data = r.base + pageSize
            let size = UInt64(r.dataSize)
            while tail < head {
                let at = Int(tail % size)
                // The header may itself wrap: read its 8 bytes through the scratch buffer when it does.
                let headerBytes = copy(data, from: at, count: 8, ringSize: r.dataSize)
                let recordSize = Int(headerBytes.load(fromByteOffset: 6, as: UInt16.self))
                if recordSize < 8 { break }
                let rec = copy(data, from: at, count: recordSize, ringSize: r.dataSize)
                if let parsed = PerfRecord.parse(rec) {
                    if parsed.kind == .lost { lost += Int(parsed.lost) }
                    if parsed.kind == .sample { samples += 1 }
                    queue.add(parsed)
                }
                records += 1
                n += 1
                tail += UInt64(recordSize)
            }
            tt_perf_ring_set_tail(r.base, tail)
        }
        return n
    }

    /// `count` bytes at `at`, in place when they do not wrap, else copied into the scratch buffer.
    private func copy(_ data: UnsafeMutableRawPointer, from at: Int, count: Int, ringSize: Int) -> UnsafeRawBufferPointer {
        if at + count <= ringSize { return UnsafeRawBufferPointer(start: data + at, count: count) }
        if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
        let first = ringSize - at
        scratch.withUnsafeMutableBytes { s in
            s.baseAddress!.copyMemory(from: data + at, byteCount: first)
            (s.baseAddress! + first).copyMemory(from: data, byteCount: count - first)
        }
        return scratch.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: count) }
    }

    public func close() {
        for r in rings {
            _ = tt_perf_ioctl(r.fd, TT_PERF_EVENT_IOC_DISABLE, 0)
            munmap(r.base, r.mapLength)
            Glibc.close(r.fd)
        }
        for fd in extraFDs { Glibc.close(fd) }
        rings = []
        extraFDs = []
    }

    deinit { close() }

    public static var onlineCPUCount: Int { onlineCPUs().count }

    /// `/sys/devices/system/cpu/online` (`0-1,4`).
    static func onlineCPUs() -> [Int] {
        guard let text = Symbolizer.readLine("/sys/devices/system/cpu/online") else {
            return Array(0..<max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        }
        return parseCPUList(text)
    }

    static func parseCPUList(_ text: String) -> [Int] {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-").compactMap { Int(String($0).filter { $0 != " " && $0 != "\n" }) }
            if ends.count == 2, ends[0] <= ends[1] { out += Array(ends[0]...ends[1]) } else if ends.count == 1 { out.append(ends[0]) }
        }
        return out
    }

    static func threads(of pid: Int32) -> [Int32] {
        guard let dir = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(dir) }
        var out: [Int32] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let t = Int32(name) { out.append(t) }
        }
        return out
    }

    /// CLOCK_MONOTONIC now, the events' clock: records at or before it are all in the rings.
    public static func now() -> UInt64 { UInt64(ProcReader.now(CLOCK_MONOTONIC)) }
}
