import Foundation
import TraceCapture
import TraceModel

/// Issue 7's figures: trace.dat decoding against `trace-cmd report` on the same file, and the Chrome JSON export
/// of 10 M events.
enum FormatsBench {
    static let exportEvents = 10_000_000

    static func run(logPath: String, datPath: String?, runs: Int, keep: Bool) async throws(BenchError) {
        print("")
        print("formats (issue 7)")
        try await chromeExport(logPath: logPath)
        try await traceDat(datPath: datPath, runs: runs, keep: keep)
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
        let ours = try await bestOf(runs) { () throws(BenchError) in
            do { return try await TraceInput(path: path).summarize() } catch { throw BenchError("\(error)") }
        }
        let theirs = try await bestOf(runs) { () throws(BenchError) in try traceCmdReport(path) }
        let events = ours.value.events
        let size = Double(TraceGenerator.fileSize(path) ?? 0) / Double(1 << 20)
        let oursRate = Double(events) / ours.seconds
        let theirsRate = Double(events) / theirs.seconds
        print("  trace.dat \(String(format: "%.0f", size)) MB, \(events.formatted()) events:")
        print("    tracetui decode (stat)          \(String(format: "%6.2f", ours.seconds)) s  "
              + "\(String(format: "%.2f", oursRate / 1e6)) M events/s")
        print("    trace-cmd report > /dev/null    \(String(format: "%6.2f", theirs.seconds)) s  "
              + "\(String(format: "%.2f", theirsRate / 1e6)) M events/s")
        let verdict = oursRate >= theirsRate ? "PASS" : "MISS"
        let ratio = String(format: "%.2f", oursRate / theirsRate)
        print("    bar ≥ trace-cmd report: \(verdict) (\(ratio)×)")
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
        env["BUFFER_KB"] = "65536"
        env["WORKLOAD"] = "dd if=/dev/zero of=/dev/null bs=1 count=1500000"
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
