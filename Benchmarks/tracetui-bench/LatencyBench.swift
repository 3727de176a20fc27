import Foundation
import TraceCapture
import TraceModel

/// The `latency` group: each section of `tracetui latency` over 10 M generated ftrace events (about 1 GB), timed
/// after parsing, and `perf sched latency` beside tracetui on the same `perf sched record` recording as the peer.
enum LatencyBench {
    static var generatedLog: String { BenchPaths.dataDirectory + "/latency-trace.txt" }

    static func run(events: Int, runs: Int, keep: Bool) async throws(BenchError) {
        let path = generatedLog
        var generated = false
        if let size = TraceGenerator.fileSize(path), size > 0, keep || events == 10_000_000 {
            print("reusing \(path)")
        } else {
            let started = ContinuousClock.now
            try write(path: path, events: events)
            generated = true
            print("generated \(path) in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s: "
                  + "\(events) events (sched_waking/wakeup/switch, raw_syscalls, irq, softirq, block_rq on 2 CPUs)")
        }
        defer {
            if generated && !keep {
                unlink(path)
                print("removed \(path) (pass --keep to reuse it)")
            }
        }
        let bytes = TraceGenerator.fileSize(path) ?? 0
        let load = try await timed { () async throws(BenchError) -> EventStore in
            do {
                return try await TraceInput(path: path, populate: true).load()
            } catch {
                throw BenchError("\(path): \(error)")
            }
        }
        let store = load.value
        print("")
        print("latency: \(store.count) rows, \(bytes >> 20) MiB, parsed in \(f(load.seconds)) s (not counted below)")
        print(String(repeating: "-", count: 78))
        print("section      best of \(runs)   rows out   measured intervals")
        for section in LatencySection.allCases {
            let t = try await bestOf(runs) { () async throws(BenchError) -> LatencyReport in
                store.latency(LatencyOptions(sections: [section]))
            }
            let r = t.value
            let (rows, intervals): (Int, Int) = switch section {
            case .sched: (r.sched.count, r.sched.reduce(0) { $0 + $1.switches })
            case .syscalls: (r.syscalls.count, r.syscalls.reduce(0) { $0 + $1.calls })
            case .irq: (r.irq.count, r.irq.reduce(0) { $0 + $1.duration.count })
            case .block: (r.block.count, r.block.reduce(0) { $0 + $1.ios })
            }
            print(pad(section.rawValue, 12) + pad(f(t.seconds) + " s", 13) + pad("\(rows)", 11) + "\(intervals)")
        }
        let all = try await bestOf(runs) { () async throws(BenchError) -> LatencyReport in store.latency() }
        print(pad("all four", 12) + pad(f(all.seconds) + " s", 13))
        // The live view's split: reading the rows (paid once per new event) and making the report (paid per refresh).
        let consumed = try await bestOf(runs) { () async throws(BenchError) -> LatencyAnalyzer in
            var analyzer = LatencyAnalyzer()
            analyzer.consume(store)
            return analyzer
        }
        let report = try await bestOf(runs) { () async throws(BenchError) -> LatencyReport in consumed.value.report() }
        let perEvent = consumed.seconds / Double(max(1, store.count)) * 1e9
        print("all four, split: reading the rows \(f(consumed.seconds)) s (\(String(format: "%.0f", perEvent)) ns a row: "
              + "\(String(format: "%.1f", perEvent / 10)) % of a core at 1 M rows/s), one report \(f(report.seconds)) s")
        print("")
        try await peer(runs: runs)
    }

    /// `perf sched latency` and tracetui on one `perf sched record` (root; skipped with the reason otherwise).
    static func peer(runs: Int) async throws(BenchError) {
        guard let perf = PerfDataReader.perfPath() else { return print("peer skipped: perf is not installed") }
        guard geteuid() == 0 else { return print("peer skipped: perf sched record needs root") }
        let data = BenchPaths.dataDirectory + "/latency-sched.data"
        defer { unlink(data) }
        // Two tasks passing a token through a pipe: a wakeup and two switches per message.
        let load = "\(perf) bench sched pipe -l 100000 >/dev/null"
        let recorded = shell(["/usr/bin/flock", "-s", "-w", "10", TracefsLock.path, perf, "sched", "record", "-q",
                              "-o", data, "--", "/bin/sh", "-c", load])
        guard recorded == 0, let size = TraceGenerator.fileSize(data) else {
            return print("peer skipped: perf sched record failed here (status \(recorded))")
        }
        let theirs = try await bestOf(runs) { () async throws(BenchError) -> Int32 in
            shell([perf, "sched", "latency", "-i", data], quiet: true)
        }
        var options = LatencyOptions(sections: [.sched])
        options.schedRules = .beforePerf64
        let ours = try await bestOf(runs) { () async throws(BenchError) -> EventStore in
            do {
                let store = try await TraceInput(path: data).load()
                _ = store.latency(options)
                return store
            } catch {
                throw BenchError("\(data): \(error)")
            }
        }
        let store = ours.value
        let section = try await bestOf(runs) { () async throws(BenchError) -> Int in store.latency(options).sched.count }
        let events = Double(store.count)
        print("peer: perf sched record of perf bench sched pipe -l 100000, \(size >> 20) MiB, \(store.count) events")
        print(String(repeating: "-", count: 78))
        print(pad("perf sched latency", 44) + f(theirs.seconds) + " s  " + rate(events / theirs.seconds))
        print(pad("tracetui: perf script + parse + sched", 44) + f(ours.seconds) + " s  " + rate(events / ours.seconds))
        print(pad("tracetui: the sched section after parsing", 44) + f(section.seconds) + " s  "
              + rate(events / section.seconds) + ", \(section.value) rows")
    }

    /// Runs a command with signals unblocked and default (a system-wide perf record waits for SIGCHLD).
    static func shell(_ argv: [String], quiet: Bool = false) -> Int32 {
        guard let child = try? HeldChild(quiet ? ["/bin/sh", "-c", "exec \"$@\" >/dev/null 2>&1", "sh"] + argv : argv)
        else { return -1 }
        child.release()
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
    }

    /// A synthetic ftrace log: a cycle of 12 events per CPU (a syscall, an irq, a softirq, an I/O, a wakeup and
    /// the switch it leads to), 1 000 tasks, timestamps rising by microseconds.
    static func write(path: String, events: Int) throws(BenchError) {
        try? FileManager.default.createDirectory(atPath: BenchPaths.dataDirectory, withIntermediateDirectories: true)
        let partial = path + ".partial"
        guard let out = FileHandle(forWritingAtPath: partial) ?? {
            FileManager.default.createFile(atPath: partial, contents: nil)
            return FileHandle(forWritingAtPath: partial)
        }() else { throw BenchError("cannot create \(partial)") }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(9 << 20)
        func add(_ s: String) { buffer.append(contentsOf: s.utf8) }
        add("# tracer: nop\n#\n# tracetui-bench: generated scheduler, syscall, irq and block events\n")
        var ns: Int64 = 1_000_000_000
        var written = 0
        var cycle = 0
        var sector = 1000
        while written < events {
            let cpu = cycle & 1
            let a = 1000 + (cycle * 7) % 1000, b = 1000 + (cycle * 13 + 1) % 1000
            let ca = "task\(a % 50)", cb = "task\(b % 50)"
            func line(_ comm: String, _ pid: Int, _ event: String, _ payload: String) {
                ns += Int64(200 + (cycle * 31 + written * 17) % 5000)
                let head = "\(comm)-\(pid)"
                add(String(repeating: " ", count: max(0, 16 - head.count)) + head + " [00\(cpu)] d..2. ")
                add("\(ns / 1_000_000_000).\(String(ns % 1_000_000_000 / 1000 + 1_000_000).dropFirst()): ")
                add(event + ": " + payload + "\n")
                written += 1
            }
            let nr = [0, 1, 3, 257, 9][cycle % 5]
            line(ca, a, "sys_enter", "NR \(nr) (3, 7ffd1000, 1000, 0, 0, 0)")
            line(ca, a, "sys_exit", "NR \(nr) = \(cycle % 11 == 0 ? -2 : 4096)")
            line(ca, a, "irq_handler_entry", "irq=\(24 + cycle % 3) name=virtio\(cycle % 3)")
            line(ca, a, "irq_handler_exit", "irq=\(24 + cycle % 3) ret=handled")
            line(ca, a, "softirq_entry", "vec=\(cycle % 2 == 0 ? 1 : 3) [action=\(cycle % 2 == 0 ? "TIMER" : "NET_RX")]")
            line(ca, a, "softirq_exit", "vec=\(cycle % 2 == 0 ? 1 : 3) [action=\(cycle % 2 == 0 ? "TIMER" : "NET_RX")]")
            sector += 8
            line(ca, a, "block_rq_issue", "8,0 W 4096 () \(sector) + 8 [\(ca)]")
            line(ca, a, "sched_waking", "comm=\(cb) pid=\(b) prio=120 target_cpu=00\(cpu)")
            line(ca, a, "sched_wakeup", "comm=\(cb) pid=\(b) prio=120 target_cpu=00\(cpu)")
            line(ca, a, "block_rq_complete", "8,0 W () \(sector) + 8 [0]")
            line(ca, a, "sched_stat_runtime", "comm=\(ca) pid=\(a) runtime=\(20000 + cycle % 1000) [ns]")
            line(ca, a, "sched_switch", "prev_comm=\(ca) prev_pid=\(a) prev_prio=120 prev_state=\(cycle % 4 == 0 ? "D" : "S") "
                 + "==> next_comm=\(cb) next_pid=\(b) next_prio=120")
            cycle += 1
            if buffer.count >= 8 << 20 {
                out.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        out.write(Data(buffer))
        try? out.close()
        guard rename(partial, path) == 0 else { throw BenchError("cannot rename \(partial)") }
    }

    private static func f(_ v: Double) -> String { String(format: "%.3f", v) }
    private static func rate(_ perSecond: Double) -> String { String(format: "%.2f M events/s", perSecond / 1e6) }
    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
