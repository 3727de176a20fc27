import Foundation
import TraceCapture
import TraceModel

/// The `timeline` group: over 10 M generated ftrace events (1 M `sched_switch` on 4 CPUs, the rest wakeups,
/// syscalls and irqs; about 900 MB), after parsing: the timeline's build time, the lanes' bytes per switch, a
/// redraw of every CPU lane at 160×45 (148 columns) at zooms from the whole trace down to 1 µs and panned across
/// it, and `timeline --format json`; then `perf sched timehist` beside `tracetui timeline --format json` on one
/// `perf sched record` as the peer.
enum TimelineBench {
    static var generatedLog: String { BenchPaths.dataDirectory + "/timeline-trace.txt" }

    static func run(events: Int, runs: Int, keep: Bool) async throws(BenchError) {
        let path = generatedLog
        var generated = false
        if let size = TraceGenerator.fileSize(path), size > 0, keep || events == 10_000_000 {
            print("reusing \(path)")
        } else {
            let started = ContinuousClock.now
            try write(path: path, events: events)
            generated = true
            print("generated \(path) in \(f((ContinuousClock.now - started).seconds)) s: \(events) events")
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
        print("timeline: \(store.count) rows, \(bytes >> 20) MiB, parsed in \(f(load.seconds)) s (not counted below)")
        print(String(repeating: "-", count: 78))
        let build = try await bestOf(runs) { () async throws(BenchError) -> Timeline in store.timeline() }
        let tl = build.value
        let switches = max(1, tl.switches)
        print("build (all CPU lanes + summaries)   \(f(build.seconds)) s best of \(runs), \(tl.switches) switches, "
              + "\(tl.cpus.count) CPUs")
        // Counted from the columns' lengths: the RSS of a process that just freed the parse's buffers says little.
        print("lanes: \(tl.laneBytes) bytes = \(String(format: "%.2f", Double(tl.laneBytes) / Double(switches))) B a switch "
              + "(times 8 + task 4 + summaries + irq overlay)")
        let irqs = tl.cpus.reduce(0) { $0 + $1.irqCount }
        print("irq overlay: \(irqs) handler intervals (\(String(format: "%.2f", Double(irqs) / Double(switches))) a switch) "
              + "in a bit per bucket; cells read the handler rows again")
        // What the viewer's `7` builds: the lanes plus the four most frequent other events' lanes.
        let view = try await bestOf(runs) { () async throws(BenchError) -> Timeline in store.timeline(eventLanes: 4) }
        let eventTimes = view.value.events.reduce(0) { $0 + $1.times.count }
        print("build as the viewer does (+ 4 event lanes, \(eventTimes) events at 8 B)   \(f(view.seconds)) s")
        // A redraw: every CPU lane's cells and glyphs at 148 columns (160 minus the lane labels), as the view does.
        let columns = 148
        var zoom = max(1, (tl.end - tl.start + Int64(columns) - 1) / Int64(columns))
        print("redraw of \(tl.cpus.count) lanes × \(columns) columns, 64 pans per zoom: median / max")
        while true {
            var times: [Double] = []
            let span = zoom * Int64(columns)
            for k in 0..<64 {
                let room = max(0, tl.end - tl.start - span)
                let from = tl.start + (room == 0 ? 0 : room / 63 * Int64(k))
                let clock = ContinuousClock()
                let start = clock.now
                var glyphs = 0
                for lane in tl.cpus {
                    glyphs += LaneGlyphs.cpuRow(lane.cells(from: from, width: zoom, count: columns), tl).count
                }
                times.append((clock.now - start).seconds)
                precondition(glyphs == columns * tl.cpus.count)
            }
            times.sort()
            print("  \(pad(TimeFormat.duration(nanoseconds: zoom) + " a column", 20)) "
                  + "\(String(format: "%.3f", times[32] * 1000)) / \(String(format: "%.3f", times[63] * 1000)) ms")
            if zoom <= 1000 { break }
            zoom = max(1000, zoom / 8)
        }
        let json = try await bestOf(runs) { () async throws(BenchError) -> Int in
            let all = store.timeline(tasks: .all)
            var written = 0
            var sink = ByteSink { written += $0.count }
            TimelineFormat.json(all, TimelineFormat.Window(from: all.start, to: all.end, width: 160), to: &sink)
            return written
        }
        print("timeline --format json after parsing (build with every task's lane + JSON to memory): "
              + "\(f(json.seconds)) s, \(json.value >> 20) MiB")
        print("")
        try await peer(runs: runs)
    }

    /// `perf sched timehist` and tracetui on one `perf sched record` (root; skipped with the reason otherwise).
    static func peer(runs: Int) async throws(BenchError) {
        guard let perf = PerfDataReader.perfPath() else { return print("peer skipped: perf is not installed") }
        guard geteuid() == 0 else { return print("peer skipped: perf sched record needs root") }
        let data = BenchPaths.dataDirectory + "/timeline-sched.data"
        defer { unlink(data) }
        let load = "\(perf) bench sched pipe -l 100000 >/dev/null"
        let recorded = LatencyBench.shell(["/usr/bin/flock", "-s", "-w", "10", TracefsLock.path, perf, "sched", "record",
                                           "-q", "-o", data, "--", "/bin/sh", "-c", load])
        guard recorded == 0, let size = TraceGenerator.fileSize(data) else {
            return print("peer skipped: perf sched record failed here (status \(recorded))")
        }
        let theirs = try await bestOf(runs) { () async throws(BenchError) -> Int32 in
            LatencyBench.shell([perf, "sched", "timehist", "-i", data], quiet: true)
        }
        func json(_ store: EventStore) -> Int {
            let all = store.timeline(tasks: .all)
            var written = 0
            var sink = ByteSink { written += $0.count }
            TimelineFormat.json(all, TimelineFormat.Window(from: all.start, to: all.end, width: 160), to: &sink)
            return written
        }
        let ours = try await bestOf(runs) { () async throws(BenchError) -> EventStore in
            do {
                let store = try await TraceInput(path: data).load()
                _ = json(store)
                return store
            } catch {
                throw BenchError("\(data): \(error)")
            }
        }
        let store = ours.value
        let after = try await bestOf(runs) { () async throws(BenchError) -> Int in json(store) }
        print("peer: perf sched record of perf bench sched pipe -l 100000, \(size >> 20) MiB, \(store.count) events, "
              + "\(store.timeline().switches) switches")
        print(String(repeating: "-", count: 78))
        print(pad("perf sched timehist > /dev/null", 50) + f(theirs.seconds) + " s")
        print(pad("tracetui: perf script + parse + timeline JSON", 50) + f(ours.seconds) + " s  ("
              + String(format: "%.2f", ours.seconds / theirs.seconds) + "× perf)")
        print(pad("tracetui: timeline JSON after parsing", 50) + f(after.seconds) + " s  ("
              + String(format: "%.2f", after.seconds / theirs.seconds) + "× perf)")
    }

    /// A synthetic ftrace log on 4 CPUs: per cycle on one CPU a wakeup, the switch it leads to (prev is the task
    /// the CPU's last switch put on it, so every run is known), a syscall pair, an irq pair, and filler events:
    /// 10 events a cycle, 1 000 tasks, every 16th switch to idle, timestamps rising by microseconds.
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
        add("# tracer: nop\n#\n# tracetui-bench: generated scheduler events on 4 CPUs\n")
        var ns: Int64 = 1_000_000_000
        var written = 0
        var cycle = 0
        var onCPU = [0, 0, 0, 0]
        func comm(_ pid: Int) -> String { pid == 0 ? "swapper" : "task\(pid % 50)" }
        while written < events {
            let cpu = cycle & 3
            let a = onCPU[cpu]
            let b = cycle % 16 == 5 ? 0 : 1000 + (cycle * 7 + cpu * 250) % 1000
            func line(_ pid: Int, _ event: String, _ payload: String) {
                ns += Int64(100 + (cycle * 31 + written * 17) % 2000)
                let head = "\(comm(pid))-\(pid)"
                add(String(repeating: " ", count: max(0, 16 - head.count)) + head + " [00\(cpu)] d..2. ")
                add("\(ns / 1_000_000_000).\(String(ns % 1_000_000_000 / 1000 + 1_000_000).dropFirst()): ")
                add(event + ": " + payload + "\n")
                written += 1
            }
            line(a, "sys_enter", "NR 0 (3, 7ffd1000, 1000, 0, 0, 0)")
            line(a, "sys_exit", "NR 0 = 4096")
            line(a, "irq_handler_entry", "irq=24 name=virtio0")
            line(a, "irq_handler_exit", "irq=24 ret=handled")
            line(a, "sys_enter", "NR 1 (1, 7ffd1000, 10, 0, 0, 0)")
            line(a, "sys_exit", "NR 1 = 10")
            line(a, "softirq_entry", "vec=1 [action=TIMER]")
            line(a, "softirq_exit", "vec=1 [action=TIMER]")
            if b != 0 { line(a, "sched_waking", "comm=\(comm(b)) pid=\(b) prio=120 target_cpu=00\(cpu)") } else {
                line(a, "sched_stat_runtime", "comm=\(comm(a)) pid=\(a) runtime=20000 [ns]")
            }
            line(a, "sched_switch", "prev_comm=\(comm(a)) prev_pid=\(a) prev_prio=120 prev_state=\(a == 0 ? "R" : cycle % 4 == 0 ? "D" : "S") "
                 + "==> next_comm=\(comm(b)) next_pid=\(b) next_prio=120")
            onCPU[cpu] = b
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
    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
