import Foundation
import TraceCapture
import TraceModel

/// Issue 7's figures: trace.dat decoding against `trace-cmd report` on the same file, and the Chrome JSON export
/// of 10 M events.
enum FormatsBench {
    static let exportEvents = 10_000_000

    static func run(logPath: String, datPath: String?, runs: Int, keep: Bool, export: Bool = true) async throws(BenchError) {
        print("")
        print("formats (issue 7)")
        // trace.dat first: after the export's 10 M-row store the process runs it slower (measured: 4.8 s vs 1.5 s).
        try await traceDat(datPath: datPath, runs: runs, keep: keep)
        if export { try await chromeExport(logPath: logPath) }
    }

    /// The first 10 M rows of the log, loaded into the store, written as Chrome JSON to /dev/null.
    static func chromeExport(logPath: String) async throws(BenchError) {
        var store: EventStore
        do { store = try await TraceInput(path: logPath).load() } catch { throw BenchError("\(error)") }
        if store.count < exportEvents, store.count > 0 {
            // A log with at least 10 M rows, from the same samples.
            let bytes = Int(Double(TraceGenerator.fileSize(logPath) ?? 0) * Double(exportEvents) / Double(store.count) * 1.05)
            let outcome = try TraceGenerator.ensure(path: BenchPaths.packageRoot + "/bench-data/export-trace.txt", bytes: bytes)
            print("  \(outcome.reused ? "reusing" : "generated") \(outcome.path) for the export (\(bytes >> 20) MB)")
            store = EventStore()
            do { store = try await TraceInput(path: outcome.path).load() } catch { throw BenchError("\(error)") }
        }
        let rows = 0..<min(exportEvents, store.count)
        let file: ExportFile
        do { file = try ExportFile(path: "/dev/null") } catch { throw BenchError("\(error)") }
        let run = try await timed { () throws(BenchError) in
            var sink = file.sink()
            do {
                return try Exporter.write(.chrome, store: store, tree: nil, rows: rows, to: &sink)
            } catch {
                throw BenchError("\(error)")
            }
        }
        let mb = Double(file.bytesWritten) / Double(1 << 20)
        let verdict = rows.count < exportEvents ? "log too small" : run.seconds < 10 ? "PASS" : "MISS"
        print("  Chrome JSON export of \(rows.count.formatted()) rows: \(run.value.formatted()) events, "
              + "\(String(format: "%.0f", mb)) MB in \(String(format: "%.2f", run.seconds)) s "
              + "(\(String(format: "%.1f", Double(run.value) / run.seconds / 1e6)) M events/s) — bar < 10 s: "
              + verdict)
    }

    /// Decoding a trace.dat into the store's counts (`stat`) against `trace-cmd report FILE > /dev/null`.
    static func traceDat(datPath: String?, runs: Int, keep: Bool) async throws(BenchError) {
        var path = datPath
        var made = false
        if path == nil {
            let target = BenchPaths.packageRoot + "/bench-data/bench.dat"
            if FileManager.default.fileExists(atPath: target) {
                print("  reusing \(target)")
            } else {
                let reason = record(target)
                guard reason == nil else {
                    print("  trace.dat figures skipped: \(reason!)")
                    return
                }
                made = true
            }
            path = target
        }
        guard let path else { return }
        defer { if made && !keep { unlink(path) } }
        // Interleaved (ours, theirs, ours, …) so that a change in the machine's load falls on both; best of each.
        var stat: Timed<TraceSummary>?, load: Timed<Int>?, theirs: Timed<Int>?
        func better<V>(_ a: Timed<V>?, _ b: Timed<V>) -> Timed<V> { a.map { $0.seconds <= b.seconds ? $0 : b } ?? b }
        for _ in 0..<max(1, runs) {
            stat = better(stat, try await timed { () throws(BenchError) in
                do { return try await TraceInput(path: path).summarize() } catch { throw BenchError("\(error)") }
            })
            theirs = better(theirs, try await timed { () throws(BenchError) in try traceCmdReport(path) })
            load = better(load, try await timed { () throws(BenchError) in
                do { return try await TraceInput(path: path).load().count } catch { throw BenchError("\(error)") }
            })
        }
        guard let stat, let load, let theirs else { return }
        let events = stat.value.events
        let size = Double(TraceGenerator.fileSize(path) ?? 0) / Double(1 << 20)
        func rate(_ seconds: Double) -> String { String(format: "%5.2f M events/s", Double(events) / seconds / 1e6) }
        func secs(_ t: Double) -> String { String(format: "%6.2f s", t) }
        print("  trace.dat \(String(format: "%.0f", size)) MB, \(events.formatted()) events "
              + "(\(stat.value.lostEvents.formatted()) lost), best of \(max(1, runs)) interleaved, load average \(loadAverage()):")
        print("    tracetui decode + count (stat)     \(secs(stat.seconds))  \(rate(stat.seconds))  "
              + "(CPU \(String(format: "%.2f", stat.cpuSeconds)) s)")
        print("    tracetui decode into the store     \(secs(load.seconds))  \(rate(load.seconds))")
        print("    trace-cmd report > /dev/null       \(secs(theirs.seconds))  \(rate(theirs.seconds))")
        let ratio = theirs.seconds / max(stat.seconds, load.seconds)
        print("    bar ≥ trace-cmd report: \(ratio >= 1 ? "PASS" : "MISS") (\(String(format: "%.2f", ratio))× "
              + "for the slower of stat and the store)")
    }

    /// The 1-minute load average, from /proc/loadavg.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    }

    /// Records a few million syscall and scheduler events with Tests/record-trace-dat.sh; nil, or why not.
    static func record(_ target: String) -> String? {
        try? FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [BenchPaths.packageRoot + "/Tests/record-trace-dat.sh", target]
        var env = ProcessInfo.processInfo.environment
        env["TRACE_EVENTS"] = "raw_syscalls/sys_enter raw_syscalls/sys_exit sched/sched_switch sched/sched_wakeup"
        // dd's syscalls land on one CPU: its buffer holds all of them (about 4 M records, 190 MB), none lost.
        env["BUFFER_KB"] = "262144"
        env["WORKLOAD"] = "dd if=/dev/zero of=/dev/null bs=1 count=1000000"
        p.environment = env
        let err = Pipe()
        p.standardError = err
        do { try p.run() } catch { return "cannot run Tests/record-trace-dat.sh: \(error)" }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `trace-cmd report FILE` with its output thrown away; the count of records it decoded is not needed.
    static func traceCmdReport(_ path: String) throws(BenchError) -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["trace-cmd", "report", path]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        do { try p.run() } catch { throw BenchError("cannot run trace-cmd: \(error)") }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("trace-cmd report failed on \(path)") }
        return 0
    }
}
