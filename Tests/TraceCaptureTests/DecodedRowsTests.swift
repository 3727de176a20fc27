import Foundation
import Glibc
import CTracefs
import Testing
@testable import TraceCapture
@testable import TraceModel

/// The live viewer's rows come from the records' columns, taken as the reader formats each record, instead of
/// from parsing the text back: they must be the rows the text parser makes of the same text, row for row.
@Suite("Rows from the records' columns", .serialized)
struct DecodedRowsTests {
    @Test(.enabled(if: LiveCaptureTests.available))
    func rowsFromColumnsEqualRowsParsedFromTheText() async throws {
        let traced = try TracedDD(keepRecords: false)
        defer { traced.finish() }
        let (instance, reader) = (traced.instance, traced.reader)
        // Lines the kernel formats itself (ftrace's `print`, from trace_marker) take the text parser's path
        // between the columns' rows.
        let marker = open(instance.dir + "/trace_marker", O_WRONLY)
        defer { if marker >= 0 { close(marker) } }
        var fromColumns = EventStore(), fromText = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        var ranges = 0, markers = 0
        for round in 0..<1000 {
            for k in 0..<3 where marker >= 0 {
                if "tracetui marker \(round).\(k) with = and spaces".withCString({ write(marker, $0, strlen($0)) }) > 0 {
                    markers += 1
                }
            }
            try await Task.sleep(for: .milliseconds(5))
            for r in reader.drain() {
                let decoded = try #require(r.decoded, "the viewer's reader keeps the columns")
                fromColumns.append(parser.parse(r.block, range: r.range, decoded: decoded))
                fromText.append(parser.parse(r.block, range: r.range))
                ranges += 1
            }
            if !traced.isRunning { break }
        }
        #expect(ranges > 0)
        #expect(fromColumns.count == fromText.count)
        #expect(fromColumns.count > 1000, "\(fromColumns.count) rows")
        #expect(fromColumns.summary.byEvent == fromText.summary.byEvent)
        #expect(fromColumns.summary.byCPU == fromText.summary.byCPU)
        #expect(markers >= 10 && fromText.summary.byEvent["print"] == markers, "\(markers) markers: \(fromText.summary.byEvent)")
        #expect((fromText.summary.byEvent["sys_enter"] ?? 0) > 0)
        var differences: [String] = []
        for k in 0..<min(fromColumns.count, fromText.count) {
            let a = fromColumns.row(k), b = fromText.row(k)
            let same = a.timestamp == b.timestamp && a.cpu == b.cpu && a.flags == b.flags
                && a.payloadOffset == b.payloadOffset
                && fromColumns.eventNames[Int(a.event)] == fromText.eventNames[Int(b.event)]
                && fromColumns.taskLabel(a.task) == fromText.taskLabel(b.task)
                && fromColumns.taskTGIDs[Int(a.task)] == fromText.taskTGIDs[Int(b.task)]
            if !same, differences.count < 5 {
                differences.append("row \(k): \(fromText.lineText(k))\n columns: \(a) \(fromColumns.taskLabel(a.task))\n text: \(b) \(fromText.taskLabel(b.task))")
            }
        }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    /// The viewer keeps records as bytes and makes a row's line when it is read: each line must be the one the
    /// reader's formatter writes for that record, the rows the text parser makes of the saved text, and the
    /// saved file the same text, in order, with the kernel's own lines (trace_marker) between.
    @Test(.enabled(if: LiveCaptureTests.available))
    func keptRecordsReadAsTheLinesTheFormatterWouldHaveWritten() async throws {
        let traced = try TracedDD(keepRecords: true)
        defer { traced.finish() }
        let (instance, reader) = (traced.instance, traced.reader)
        let marker = open(instance.dir + "/trace_marker", O_WRONLY)
        defer { if marker >= 0 { close(marker) } }
        var store = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        var markers = 0
        for round in 0..<1000 {
            for k in 0..<3 where marker >= 0 {
                if "tracetui marker \(round).\(k) kept".withCString({ write(marker, $0, strlen($0)) }) > 0 { markers += 1 }
            }
            try await Task.sleep(for: .milliseconds(5))
            for r in reader.drain() {
                let decoded = try #require(r.decoded, "the viewer's reader keeps the columns")
                #expect(decoded.kept != nil)
                store.append(parser.parse(r.block, range: r.range, decoded: decoded))
            }
            if !traced.isRunning { break }
        }
        #expect(store.count > 1000, "\(store.count) rows; the load's wait status \(traced.status.map(String.init) ?? "running")")
        #expect(store.summary.byEvent["print"] == markers)

        // 1. Each kept row's line is the formatter's line for its record, with the comm the reader had then.
        var kept = 0, switches = 0, mismatches: [String] = []
        let out = UnsafeMutablePointer<CChar>.allocate(capacity: Int(TT_KEPT_ROOM))
        defer { out.deallocate() }
        var row = 0
        for chunk in store.chunks {
            defer { row += chunk.count }
            guard chunk.kept != nil, let all = chunk.storage.bytes.baseAddress else { continue }
            for i in 0..<chunk.count {
                guard chunk.lineOffsets[i] & EventChunk.keptRow != 0 else { continue }
                kept += 1
                // sched_switch checks prev_state's letters.
                if store.eventNames[Int(chunk.events[i])] == "sched_switch" { switches += 1 }
                let record = all + chunk.base + Int(chunk.lineOffsets[i] & ~EventChunk.keptRow)
                let n = tt_kept_reference_line(instance.tep, record, out)
                let reference = String(decoding: UnsafeRawBufferPointer(start: out, count: n), as: UTF8.self)
                if reference != store.lineText(row + i), mismatches.count < 5 {
                    mismatches.append("row \(row + i)\n kept:      \(store.lineText(row + i))\n formatter: \(reference)")
                }
            }
        }
        #expect(kept > 1000 && kept < store.count, "\(kept) kept of \(store.count)")
        #expect(switches > 0, "kept sched_switch rows")
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")

        // 2. The saved text is the lines in order; the text parser makes the same rows of it.
        let path = NSTemporaryDirectory() + "tracetui-kept-\(getpid()).txt"
        defer { unlink(path) }
        try TraceWriter.write(store, to: path)
        let saved = try MappedFile(path: path)
        var reread = EventStore()
        reread.append(parser.parse(saved, range: 0..<saved.bytes.count))
        #expect(reread.count == store.count)
        #expect(reread.summary.byEvent == store.summary.byEvent)
        var differences: [String] = []
        for k in 0..<min(reread.count, store.count) {
            let a = store.row(k), b = reread.row(k)
            let same = a.timestamp == b.timestamp && a.cpu == b.cpu && a.flags == b.flags
                && a.payloadOffset == b.payloadOffset && store.lineText(k) == reread.lineText(k)
                && store.eventNames[Int(a.event)] == reread.eventNames[Int(b.event)]
                && store.taskLabel(a.task) == reread.taskLabel(b.task)
            if !same, differences.count < 5 {
                differences.append("row \(k): \(reread.lineText(k))\n kept: \(a) \(store.lineText(k))\n saved: \(b)")
            }
        }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}

/// `dd` copying 20 000 bytes a byte at a time after `sleep 1`, traced in an instance of this process (scheduler
/// events, raw syscalls, exec) and read by a live reader. The load's own pid only: a reader tracing its own reads
/// would never find the buffers empty. The load waits on a FIFO until the reader is open: with only `sleep 1`
/// ahead, a machine slow to start the instance (CI beside other work) let `dd` finish before tracing began.
final class TracedDD {
    let instance: TraceInstance
    let pid: pid_t
    let reader: RawEventReader
    /// The load's wait status once it has exited (reaped by `isRunning`).
    private(set) var status: Int32?

    /// `dd`: the path it is run as (the exec event's filename).
    init(dd: String = "dd", keepRecords: Bool) throws {
        instance = try TraceInstance(root: try Tracefs.locate())
        let fifo = NSTemporaryDirectory() + "tracetui-dd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(fifo) }
        do {
            guard mkfifo(fifo, 0o600) == 0 else { throw CaptureError("mkfifo \(fifo): \(String(cString: strerror(errno)))") }
            pid = try SamplingTests.spawn(["/bin/sh", "-c",
                                           "read go < '\(fifo)'; sleep 1; exec \(dd) if=/dev/zero of=/dev/null bs=1 count=20000 status=none"])
        } catch {
            instance.destroy()
            throw error
        }
        do {
            var options = LiveOptions()
            options.events = ["sched:sched_switch", "sched:sched_wakeup", "raw_syscalls:sys_enter",
                              "raw_syscalls:sys_exit", "sched:sched_process_exec"]
            options.pids = [pid]
            try instance.start(options)
        } catch {
            kill(pid, SIGKILL)
            var s: Int32 = 0
            waitpid(pid, &s, 0)
            instance.destroy()
            throw error
        }
        reader = RawEventReader(instance: instance, keepRecords: keepRecords)
        // Go: the shell is (or soon will be) blocked opening the FIFO to read; a writer's open waits for it.
        let deadline = ContinuousClock.now + .seconds(10)
        var w: Int32 = -1
        while w < 0, ContinuousClock.now < deadline {
            w = open(fifo, O_WRONLY | O_NONBLOCK)
            if w < 0 { usleep(5_000) }
        }
        if w >= 0 {
            _ = write(w, "1\n", 2)
            close(w)
        }
    }

    var isRunning: Bool {
        guard status == nil else { return false }
        var s: Int32 = 0
        if waitpid(pid, &s, WNOHANG) == pid { status = s }
        return status == nil
    }

    func finish() {
        reader.close()
        if isRunning {
            kill(pid, SIGKILL)
            var s: Int32 = 0
            waitpid(pid, &s, 0)
        }
        instance.destroy()
    }
}
