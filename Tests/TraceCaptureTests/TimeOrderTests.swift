import Foundation
import Glibc
import Synchronization
import CTracefs
import Testing
@testable import TraceCapture
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

    /// CPU 0 runs flat out (its buffer holds a backlog through each pass), CPU 1 in short bursts (its buffer is
    /// often found empty, then fills while CPU 0's later pages are read): the case that stepped back.
    @Test(.enabled(if: TimeOrderTests.twoCPUs))
    func timestampsNeverStepBackWithTwoBusyCPUs() async throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        let load = try BusyCPUs(commands: [
            "/bin/dd if=/dev/zero of=/dev/null bs=1 count=150000 status=none",
            "/bin/sh -c 'for i in $(seq 400); do /bin/sleep 0.002; done'",
        ])
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

/// What the marker test's drain callback keeps: the records handed over, and what it writes on the first.
private final class MarkerDrain {
    let marker: Int32
    var handed: [(ts: UInt64, cpu: Int32, text: String)] = []
    var wrote = false

    init(marker: Int32) { self.marker = marker }

    func write(_ text: String, onCPU cpu: Int) {
        pin(cpu)
        _ = text.withCString { Glibc.write(marker, $0, strlen($0)) }
    }

    func pin(_ cpu: Int) {
        var set = cpu_set_t()
        withUnsafeMutableBytes(of: &set) { $0[cpu / 8] |= UInt8(1 << (cpu % 8)) }
        _ = Self.setAffinity(0, MemoryLayout<cpu_set_t>.size, &set)
    }

    typealias Affinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    // glibc declares them only under _GNU_SOURCE, which Swift's Glibc module is not built with.
    static let setAffinity = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity"), to: Affinity.self)
    static let getAffinity = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity"), to: Affinity.self)
}

extension TimeOrderTests {
    /// Deterministic: CPU 1 is found empty as the pass starts; while the pass hands over CPU 0's first page, a
    /// marker is written on CPU 1 and then newer ones on CPU 0. The CPU 1 marker must come before those (the
    /// reader reads CPU 1 again before handing over a CPU 0 page read after it found CPU 1 empty).
    @Test(.enabled(if: TimeOrderTests.twoCPUs))
    func aCPUFoundEmptyIsReadAgainBeforeNewerPagesOfAnotherAreHandedOver() throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        var options = LiveOptions()
        options.events = ["sched:sched_process_exec"]
        try instance.start(options)
        let fd = open(instance.dir + "/trace_marker", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var saved = cpu_set_t()
        _ = MarkerDrain.getAffinity(0, MemoryLayout<cpu_set_t>.size, &saved)
        defer { _ = MarkerDrain.setAffinity(0, MemoryLayout<cpu_set_t>.size, &saved) }
        let state = MarkerDrain(marker: fd)
        // Several pages on CPU 0, nothing on CPU 1.
        for i in 0..<400 { state.write("old-\(i)", onCPU: 0) }
        let reader = try #require(tt_cpu_reader_open(instance.tep, instance.handle))
        defer { tt_cpu_reader_close(reader) }
        let context = Unmanaged.passUnretained(state).toOpaque()
        _ = tt_cpu_reader_drain(reader, { _, record, cpu, context in
            let state = Unmanaged<MarkerDrain>.fromOpaque(context!).takeUnretainedValue()
            let r = record!.pointee
            let bytes = UnsafeRawBufferPointer(start: r.data, count: Int(r.size))
            let text = String(decoding: bytes.filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)
            state.handed.append((r.ts, cpu, text))
            if !state.wrote {
                state.wrote = true
                state.write("cpu1-marker", onCPU: 1)
                for i in 0..<400 { state.write("new-\(i)", onCPU: 0) }
            }
            return 0
        }, context)
        _ = tt_cpu_reader_drain(reader, { _, record, cpu, context in
            let state = Unmanaged<MarkerDrain>.fromOpaque(context!).takeUnretainedValue()
            let r = record!.pointee
            let bytes = UnsafeRawBufferPointer(start: r.data, count: Int(r.size))
            state.handed.append((r.ts, cpu, String(decoding: bytes.filter { $0 >= 0x20 && $0 < 0x7F }, as: UTF8.self)))
            return 0
        }, context)
        let marker = try #require(state.handed.firstIndex { $0.text.contains("cpu1-marker") }, "the CPU 1 marker was read")
        #expect(state.handed[marker].cpu == 1)
        #expect(state.handed.filter { $0.text.contains("new-") }.count == 400)
        let steps = (1..<state.handed.count).filter { state.handed[$0].ts < state.handed[$0 - 1].ts }
        #expect(steps.isEmpty, "steps back at \(steps.prefix(3).map { "\(state.handed[$0 - 1].text) → \(state.handed[$0].text)" })")
    }
}

/// Processes that each wait for a flag file, then make syscalls as fast as they can pinned to a CPU of their
/// own (`dd bs=1`: two syscalls a byte).
struct BusyCPUs {
    let pids: [pid_t]
    private let flag: String

    init(count: Int, bytes: Int) throws {
        try self.init(commands: Array(repeating: "/bin/dd if=/dev/zero of=/dev/null bs=1 count=\(bytes) status=none", count: count))
    }

    /// Command i runs pinned to CPU i.
    init(commands: [String]) throws {
        flag = NSTemporaryDirectory() + "tracetui-busy-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        unlink(flag)
        var pids: [pid_t] = []
        for (cpu, command) in commands.enumerated() {
            let script = "while [ ! -e \(flag) ]; do sleep 0.01; done; exec /usr/bin/taskset -c \(cpu) \(command)"
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
