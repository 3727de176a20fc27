import Foundation
import Glibc
import Synchronization
import Testing
import TraceCapture
import TraceModel

/// The raw reader's stream across CPUs: with two CPUs busy at once, passes that each find the buffers part
/// full still hand the records over in one time order.
@Suite("Time order across CPUs", .serialized)
struct TimeOrderTests {
    static var twoCPUs: Bool {
        guard LiveCaptureTests.available else { return false }
        guard sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 else {
            print("skipping time-order tests: fewer than 2 CPUs online")
            return false
        }
        guard access("/usr/bin/taskset", X_OK) == 0 else {
            print("skipping time-order tests: taskset (util-linux) is missing")
            return false
        }
        return true
    }

    @Test(.enabled(if: TimeOrderTests.twoCPUs))
    func timestampsNeverStepBackWithTwoBusyCPUs() async throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        let load = try BusyCPUs(count: 2, bytes: 150_000)
        defer { load.finish() }
        var options = LiveOptions()
        options.events = ["sched:sched_switch", "raw_syscalls:sys_enter", "raw_syscalls:sys_exit"]
        options.pids = load.pids
        try instance.start(options)
        let reader = RawEventReader(instance: instance)
        defer { reader.close() }
        load.go()
        // Drained as the viewer's thread does, every 10 ms, while both CPUs fill their buffers.
        var store = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        for _ in 0..<1000 {
            for r in reader.drain() { store.append(parser.parse(r.block, range: r.range)) }
            if load.exited() { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        for r in reader.drain() { store.append(parser.parse(r.block, range: r.range)) }
        #expect(load.exited())
        var cpus = Set<Int>()
        var backSteps = 0
        var firstBack: String?
        var previous = Int64.min
        for row in 0..<store.count {
            let r = store.row(row)
            if let cpu = r.cpu { cpus.insert(cpu) }
            if r.timestamp < previous {
                backSteps += 1
                if firstBack == nil { firstBack = "row \(row): \(store.lineText(row)) after \(previous)" }
            }
            previous = r.timestamp
        }
        #expect(cpus.count >= 2, "both loads' CPUs in the stream: \(cpus)")
        #expect(store.count > 100_000, "\(store.count) rows, \(reader.events) read, \(reader.missed) missed, \(store.summary.unparsed) unparsed, \(instance.warnings)")
        #expect(backSteps == 0, "\(backSteps) steps back; first: \(firstBack ?? "")")
    }
}

/// Processes that each wait for a flag file, then make syscalls as fast as they can pinned to a CPU of their
/// own (`dd bs=1`: two syscalls a byte).
struct BusyCPUs {
    let pids: [pid_t]
    private let flag: String

    init(count: Int, bytes: Int) throws {
        flag = NSTemporaryDirectory() + "tracetui-busy-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        unlink(flag)
        var pids: [pid_t] = []
        for cpu in 0..<count {
            let script = "while [ ! -e \(flag) ]; do sleep 0.01; done; "
                + "exec /usr/bin/taskset -c \(cpu) /bin/dd if=/dev/zero of=/dev/null bs=1 count=\(bytes) status=none"
            var pid: pid_t = 0
            let words: [String] = ["/bin/sh", "-c", script]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
            guard rc == 0 else { throw CaptureError("spawn failed: \(rc)") }
            pids.append(pid)
        }
        self.pids = pids
    }

    func go() { close(open(flag, O_CREAT | O_WRONLY, 0o600)) }

    private static let reaped = Mutex<Set<pid_t>>([])

    /// Whether every load has exited (reaped here).
    func exited() -> Bool {
        pids.allSatisfy { pid in
            if Self.reaped.withLock({ $0.contains(pid) }) { return true }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return false }
            Self.reaped.withLock { _ = $0.insert(pid) }
            return true
        }
    }

    func finish() {
        for pid in pids where !exited() { kill(pid, SIGKILL) }
        for _ in 0..<100 where !exited() { usleep(10_000) }
        unlink(flag)
    }
}
