import Foundation
import Glibc
import Testing
@testable import TraceCapture
@testable import TraceModel

/// The viewer's `w` to a `.dat` name: the records it kept, laid out again as ring-buffer pages behind a trace.dat
/// header. libtracecmd (tracetui's own .dat reader) and `trace-cmd report` must read back every kept record,
/// with its CPU, time (ns) and fields, including a record too long for the short event header (a 200-byte exec
/// path) and a gap longer than the header's 27-bit time delta (`sleep 1`).
@Suite("Saving kept records as trace.dat", .serialized)
struct KeptTraceDatTests {
    @Test(.enabled(if: LiveCaptureTests.available))
    func keptRecordsSavedAsTraceDatReadBackAsTheyWereCaptured() async throws {
        let directory = NSTemporaryDirectory() + "tracetui-keptdat-\(getpid())/" + String(repeating: "long-directory-name-", count: 9)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "tracetui-keptdat-\(getpid())") }
        let dd = directory + "/dd"
        try FileManager.default.createSymbolicLink(atPath: dd, withDestinationPath: "/bin/dd")

        let traced = try TracedDD(dd: dd, keepRecords: true)
        defer { traced.finish() }
        let (instance, reader) = (traced.instance, traced.reader)
        // One line the kernel formats itself: it has no kept record, and the answer must say it is left out.
        let marker = open(instance.dir + "/trace_marker", O_WRONLY)
        if marker >= 0 {
            _ = "tracetui marker".withCString { write(marker, $0, strlen($0)) }
            close(marker)
        }
        var store = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        for _ in 0..<1000 {
            try await Task.sleep(for: .milliseconds(10))
            for r in reader.drain() { store.append(parser.parse(r.block, range: r.range, decoded: try #require(r.decoded))) }
            if !traced.isRunning { break }
        }
        instance.stopTracing()
        for r in reader.drain() { store.append(parser.parse(r.block, range: r.range, decoded: try #require(r.decoded))) }

        // What was kept: per event, per CPU, and each row's (µs, CPU, event) in order.
        var kept: [Seen] = []
        var row = 0
        for chunk in store.chunks {
            for i in 0..<chunk.count where chunk.keptRecord(i) != nil {
                let r = store.row(row + i)
                kept.append(Seen(ts: r.timestamp, cpu: r.cpu ?? -1, name: store.eventNames[Int(r.event)]))
            }
            row += chunk.count
        }
        #expect(kept.count > 20_000, "\(kept.count) kept")
        let path = NSTemporaryDirectory() + "tracetui-keptdat-\(getpid()).dat"
        defer { unlink(path) }
        let said = try KeptTraceDat.save(store, to: path)
        #expect(said.contains("saved \(kept.count) events") && said.contains("1 rows with no record"), "\(said)")

        let dat = try await TraceInput(path: path).load()
        #expect(dat.count == kept.count)
        var fromDat: [Seen] = []
        for k in 0..<dat.count {
            let r = dat.row(k)
            fromDat.append(Seen(ts: r.timestamp / 1000 * 1000, cpu: r.cpu ?? -1, name: dat.eventNames[Int(r.event)]))
        }
        let a = kept.sorted(), b = fromDat.sorted()
        let firstDifference = a.indices.first { $0 < b.count && a[$0] != b[$0] }
        #expect(firstDifference == nil, "first difference at \(firstDifference ?? -1): \(firstDifference.map { "\(a[$0]) vs \(b[$0])" } ?? "")")
        // The exec record (longer than 112 bytes) keeps its path: dd's, the last (the `sleep` before it is traced too).
        let exec = (0..<dat.count).last { dat.eventNames[Int(dat.eventID($0))] == "sched_process_exec" }
        #expect(exec.map { dat.lineText($0).contains(dd) } == true, "\(exec.map { dat.lineText($0) } ?? "no exec row")")
        // The sleep's gap (over 2^27 ns) is kept: some consecutive kept rows of a CPU are over 134 ms apart.
        let gaps = Dictionary(grouping: b, by: \.cpu).values.flatMap { rows in
            zip(rows, rows.dropFirst()).filter { $1.ts - $0.ts > 134_217_728 }
        }
        #expect(!gaps.isEmpty, "a gap longer than the 27-bit delta")

        // trace-cmd itself reads the same events.
        if let traceCmd = TraceCmdReportTextTests.traceCmd {
            let text = try UftraceTool.run([traceCmd, "report", path])
            var counts: [String: Int] = [:]
            for line in text.split(separator: "\n") {
                guard let colon = line.range(of: #"\d+\.\d+: [a-z_]+:"#, options: .regularExpression) else { continue }
                let name = line[colon].split(separator: " ")[1].dropLast()
                counts[String(name), default: 0] += 1
            }
            var expected: [String: Int] = [:]
            for k in kept { expected[k.name, default: 0] += 1 }
            #expect(counts == expected)
        } else {
            print("KeptTraceDatTests: trace-cmd is not installed; checked through libtracecmd only")
        }
    }
}

/// A row as both sides name it: time (µs), CPU, event.
struct Seen: Comparable {
    var ts: Int64
    var cpu: Int
    var name: String

    static func < (a: Seen, b: Seen) -> Bool { (a.ts, a.cpu, a.name) < (b.ts, b.cpu, b.name) }
}
