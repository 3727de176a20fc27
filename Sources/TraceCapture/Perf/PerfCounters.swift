import CPerfEvent
import Glibc
import TraceModel

/// Counters opened with `perf_event_open` in counting mode (no sampling, no ring buffer): one file
/// descriptor per event per CPU system-wide, or one per event for a task and its children. `read()` reads
/// each with `read(2)`, `PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING` included, so counts
/// can be scaled when the kernel multiplexed events on a PMU with too few counters (as perf stat does).
///
/// Events the machine does not have (cycles and instructions without a PMU, as in most VMs) are left out and
/// reported `<not supported>`; only "not permitted" fails the whole set.
public final class PerfCounters {
    public enum Target: Sendable, Equatable {
        /// Every task on every online CPU, one counter per CPU (root, CAP_PERFMON or perf_event_paranoid ≤ 0).
        case systemWide
        /// One process and the children it forks after opening (`inherit`), counting from its next exec
        /// (`enable_on_exec`): a process held before exec, as `tracetui stat -- COMMAND` starts it.
        case command(pid: Int32)
    }

    public let events: [CounterEvent]
    public let cpus: [Int]
    private var fds: [CounterEvent: [Int32]] = [:]
    /// Events opened with `exclude_kernel` because the kernel refused more (perf stat's `:u`).
    public private(set) var userSpaceOnly: Set<CounterEvent> = []

    public init(events: [CounterEvent], target: Target) throws(CaptureError) {
        self.events = events
        let cpus: [Int]
        let pid: Int32
        switch target {
        case .systemWide:
            cpus = Self.onlineCPUs()
            pid = -1
            Self.raiseOpenFileLimit(needed: cpus.count * events.count + 64)
        case .command(let p):
            cpus = [-1]
            pid = p
        }
        self.cpus = cpus
        for event in events {
            var opened: [Int32] = []
            for cpu in cpus {
                switch Self.open(event, pid: pid, cpu: cpu, command: target != .systemWide) {
                case .success(let (fd, userOnly)):
                    opened.append(fd)
                    if userOnly { userSpaceOnly.insert(event) }
                case .failure(let failure):
                    for fd in opened { close(fd) }
                    opened = []
                    if case .notPermitted(let why) = failure {
                        closeAll()
                        throw CaptureError(why)
                    }
                }
                if opened.isEmpty { break }
            }
            if !opened.isEmpty { fds[event] = opened }
        }
        if fds.isEmpty, !events.isEmpty {
            throw CaptureError("perf_event_open: none of \(events.map(\.name).joined(separator: ", ")) can be counted here")
        }
    }

    deinit { closeAll() }

    private func closeAll() {
        for list in fds.values { for fd in list { close(fd) } }
        fds = [:]
    }

    /// The counters now (cumulative since they were opened or enabled).
    public func read() -> CounterReading {
        var values: [CounterEvent: [CounterValue]] = [:]
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        for (event, list) in fds {
            values[event] = list.map { fd in
                let n = withUnsafeMutableBytes(of: &buffer) { Glibc.read(fd, $0.baseAddress, $0.count) }
                guard n == 24 else { return CounterValue() }
                return CounterValue(value: buffer.0, enabled: buffer.1, running: buffer.2)
            }
        }
        var reading = CounterReading(events: events, cpus: cpus, values: values)
        reading.userSpaceOnly = userSpaceOnly
        return reading
    }

    /// Whether the event could be opened (false: `<not supported>` on this machine).
    public func isSupported(_ event: CounterEvent) -> Bool { fds[event] != nil }

    // MARK: - opening

    enum OpenFailure: Error {
        case unsupported
        case notPermitted(String)
    }

    /// The kernel's type and config for each event (perf_event.h).
    static func typeAndConfig(_ event: CounterEvent) -> (UInt32, UInt64) {
        let sw = PERF_TYPE_SOFTWARE.rawValue, hw = PERF_TYPE_HARDWARE.rawValue
        switch event {
        case .taskClock: return (sw, UInt64(PERF_COUNT_SW_TASK_CLOCK.rawValue))
        case .contextSwitches: return (sw, UInt64(PERF_COUNT_SW_CONTEXT_SWITCHES.rawValue))
        case .cpuMigrations: return (sw, UInt64(PERF_COUNT_SW_CPU_MIGRATIONS.rawValue))
        case .pageFaults: return (sw, UInt64(PERF_COUNT_SW_PAGE_FAULTS.rawValue))
        case .minorFaults: return (sw, UInt64(PERF_COUNT_SW_PAGE_FAULTS_MIN.rawValue))
        case .majorFaults: return (sw, UInt64(PERF_COUNT_SW_PAGE_FAULTS_MAJ.rawValue))
        case .cycles: return (hw, UInt64(PERF_COUNT_HW_CPU_CYCLES.rawValue))
        case .instructions: return (hw, UInt64(PERF_COUNT_HW_INSTRUCTIONS.rawValue))
        }
    }

    /// The descriptor, and whether it counts user space only.
    static func open(_ event: CounterEvent, pid: Int32, cpu: Int, command: Bool) -> Result<(Int32, Bool), OpenFailure> {
        let (type, config) = typeAndConfig(event)
        // Where perf_event_paranoid allows only user space (2, unprivileged), perf retries without the kernel:
        // a command's counts then leave out what it did in the kernel, which perf stat marks with ":u".
        for userOnly in command ? [false, true] : [false] {
            var attr = makePerfEventAttr(type: type, config: config)
            attr.read_format = UInt64(PERF_FORMAT_TOTAL_TIME_ENABLED.rawValue | PERF_FORMAT_TOTAL_TIME_RUNNING.rawValue)
            tt_perf_attr_set(&attr, command ? 1 : 0, command ? 1 : 0, 0, userOnly ? 1 : 0, userOnly ? 1 : 0,
                             0, 0, 0, 0, command ? 1 : 0)
            let fd = tt_perf_event_open(&attr, pid, Int32(cpu), -1, TT_PERF_FLAG_FD_CLOEXEC)
            if fd >= 0 { return .success((fd, userOnly)) }
            let err = errno
            switch err {
            case EACCES, EPERM:
                if command && !userOnly { continue }
                return .failure(.notPermitted(permissionMessage(systemWide: !command)))
            case EMFILE, ENFILE:
                return .failure(.notPermitted("perf_event_open: too many open files for \(event.name) (raise `ulimit -n`)"))
            case ESRCH:
                return .failure(.notPermitted("perf_event_open: the process to count is gone"))
            default:
                // ENOENT, EOPNOTSUPP, ENODEV, EINVAL: no such event or PMU here.
                return .failure(.unsupported)
            }
        }
        return .failure(.unsupported)
    }

    /// Why perf_event_open said no, with what would make it say yes.
    static func permissionMessage(systemWide: Bool) -> String {
        let paranoid = readSmallFile("/proc/sys/kernel/perf_event_paranoid").flatMap { Int($0) }
        let level = paranoid.map { "kernel.perf_event_paranoid is \($0)" } ?? "perf_event_paranoid is unknown"
        if systemWide {
            return "perf_event_open not permitted (\(level); every CPU needs root, CAP_PERFMON or ≤ 0)"
        }
        return "perf_event_open not permitted (\(level)): run as root, or `sysctl kernel.perf_event_paranoid=2`"
    }

    /// `/sys/devices/system/cpu/online` (`0-3,5`), or every configured CPU when it cannot be read.
    static func onlineCPUs() -> [Int] {
        if let text = readSmallFile("/sys/devices/system/cpu/online"), let list = parseCPUList(text), !list.isEmpty {
            return list
        }
        return Array(0..<max(1, sysconf(Int32(_SC_NPROCESSORS_CONF))))
    }

    /// `0-3,5` → [0, 1, 2, 3, 5]; nil when malformed.
    static func parseCPUList(_ text: String) -> [Int]? {
        var cpus: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-")
            guard let lo = bounds.first.flatMap({ Int($0) }) else { return nil }
            let hi = bounds.count > 1 ? Int(bounds[1]) : lo
            guard let hi, hi >= lo, bounds.count <= 2 else { return nil }
            cpus.append(contentsOf: lo...hi)
        }
        return cpus
    }

    /// One line of a small /proc or /sys file, trimmed.
    static func readSmallFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[0..<n], as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init)
    }

    /// One descriptor per event per CPU can pass the usual soft limit of 1024 on a big machine: raise the soft
    /// limit towards the hard one, as perf does.
    static func raiseOpenFileLimit(needed: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
        limit.rlim_cur = min(limit.rlim_max, max(limit.rlim_cur, rlim_t(needed)))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
