import Foundation
import Glibc
import Testing
import TraceCapture
import TraceModel

/// The raw reader on a real instance: a child's sched_switch events arrive with its pid and comm.
@Suite("Live capture", .serialized)
struct LiveCaptureTests {
    static let unavailable: String? = {
        guard geteuid() == 0 else { return "not root" }
        do {
            let root = try Tracefs.locate()
            guard access(root + "/instances", W_OK) == 0 else { return "\(root)/instances is not writable" }
            // A tracefs stuck by the kernel bug `TracefsLock` describes would hang these tests for good.
            if ProcessInfo.processInfo.environment["TRACETUI_TRACEFS_WEDGED"] != nil {
                return "tracefs does not answer (TRACETUI_TRACEFS_WEDGED is set)"
            }
            return Tracefs.unanswered(root: root)
        } catch {
            return "\(error)"
        }
    }()

    static var available: Bool {
        if let r = unavailable { print("skipping live capture tests: \(r)") }
        return unavailable == nil
    }

    @Test(.enabled(if: LiveCaptureTests.available))
    func childSchedSwitchEventsArriveWithItsPidAndComm() async throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        var options = LiveOptions()
        options.events = ["sched:sched_switch"]
        try instance.start(options)
        let reader = RawEventReader(instance: instance)
        // A child that sleeps several times: each sleep switches it out.
        let child = try spawn("/bin/sh", ["-c", "for i in 1 2 3 4 5; do /bin/sleep 0.02; done"])
        var store = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        var status: Int32 = 0
        var exited = false
        for _ in 0..<300 {
            for r in reader.drain() { store.append(parser.parse(r.block, range: r.range)) }
            if exited { break }
            exited = waitpid(child, &status, WNOHANG) == child
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(exited)
        let rows = (0..<store.count).map { store.row($0) }
        let switchID = try #require(store.eventNames.firstIndex(of: "sched_switch"))
        let childRows = rows.filter { $0.event == UInt16(switchID) && store.taskPIDs[Int($0.task)] == child }
        #expect(childRows.count >= 5, "\(childRows.count) sched_switch rows of pid \(child) among \(rows.count)")
        #expect(childRows.contains { store.taskNames[Int($0.task)] == "sh" })
        #expect(childRows.allSatisfy { store.payloadText($0.index).contains("prev_pid=\(child)") })
        // Each sleep child is its own pid with comm "sleep".
        #expect(rows.contains { store.taskNames[Int($0.task)] == "sleep" })
        #expect(store.summary.unparsed == 0)
        #expect(reader.missed == 0)
    }

    /// raw_syscalls as the live reader writes them (`sys_enter: id=257 args=…`, `sys_exit: id=257 ret=-2`, the
    /// fields rather than the kernel's `NR 257 (…)`) are timed as syscalls: a child's failing opens all count.
    @Test(.enabled(if: LiveCaptureTests.available))
    func liveRawSyscallsAreMeasuredAsSyscalls() async throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        // The child waits for the instance to trace (a flag file) before its 20 failing opens of a missing file.
        let flag = NSTemporaryDirectory() + "tracetui-syscalls-\(getpid())"
        unlink(flag)
        defer { unlink(flag) }
        let child = try spawn("/bin/sh", ["-c", "while [ ! -e \(flag) ]; do sleep 0.02; done; "
                                          + "for i in $(seq 20); do cat /nonexistent-tracetui 2>/dev/null; done"])
        var options = LiveOptions()
        options.events = ["raw_syscalls:sys_enter", "raw_syscalls:sys_exit"]
        options.pids = [child]
        try instance.start(options)
        let reader = RawEventReader(instance: instance)
        defer { reader.close() }
        close(open(flag, O_CREAT | O_WRONLY, 0o600))
        var store = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        var status: Int32 = 0
        var exited = false
        for _ in 0..<500 {
            for r in reader.drain() { store.append(parser.parse(r.block, range: r.range)) }
            if exited { break }
            exited = waitpid(child, &status, WNOHANG) == child
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(exited)
        let exits = (0..<store.count).filter { store.eventNames[Int(store.eventID($0))] == "sys_exit" }
        #expect(exits.count > 40, "\(exits.count) sys_exit rows of \(store.count): \(store.eventNames) \(instance.warnings)")
        #expect(store.payloadText(exits[0]).hasPrefix("id="), "the reader's own form: \(store.payloadText(exits[0]))")
        let report = store.latency(LatencyOptions(sections: [.syscalls]))
        #expect(report.syscalls.reduce(0) { $0 + $1.calls } == exits.count, "every exit is a call")
        let openat = try #require(report.syscalls.first { $0.name == "openat" })
        #expect(openat.errors >= 20, "20 failed opens of a missing file, and \(openat.errors) counted")
    }

    @Test(.enabled(if: LiveCaptureTests.available))
    func theInstanceRunsOnTheClockAskedForAndRefusesAnUnknownOne() throws {
        let root = try Tracefs.locate()
        let globalClock = Tracefs.read(root + "/trace_clock")
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        var options = LiveOptions()
        options.events = ["sched:sched_switch"]
        options.clock = "mono"
        try instance.start(options)
        #expect((Tracefs.read(instance.dir + "/trace_clock") ?? "").contains("[mono]"))
        #expect(Tracefs.read(root + "/trace_clock") == globalClock, "the global clock is left alone")

        let other = try TraceInstance(root: root)
        defer { other.destroy() }
        options.clock = "no-such-clock"
        #expect(throws: CaptureError.self) { try other.start(options) }
    }

    @Test(.enabled(if: LiveCaptureTests.available))
    func destroyRemovesTheInstanceAndTheUprobe() throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        var options = LiveOptions()
        options.events = ["sched:sched_switch"]
        options.uprobes = ["p:rl /bin/bash:readline"]
        try instance.start(options)
        #expect(access(instance.dir, F_OK) == 0)
        #expect((Tracefs.read(root + "/dynamic_events") ?? "").contains(TraceInstance.probeGroup + "/rl"))
        instance.destroy()
        #expect(access(instance.dir, F_OK) != 0)
        #expect(!(Tracefs.read(root + "/dynamic_events") ?? "").contains(TraceInstance.probeGroup))
    }

    private func spawn(_ path: String, _ args: [String]) throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, path, nil, nil, argv, environ)
        guard rc == 0 else { throw CaptureError("spawn failed: \(rc)") }
        return pid
    }
}
