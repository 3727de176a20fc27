import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// function and function_graph records in a trace.dat. This kernel's lockdown refuses the function tracers, so
/// the test writes the ring-buffer pages itself (the page and record headers of `events/header_page`, the
/// records laid out by the `events/ftrace/*/format` files) and lets `trace-cmd restore` assemble the file with a
/// kallsyms naming the functions; then trace-cmd's own decoding is the reference.
@Suite("trace.dat function_graph")
struct TraceDatGraphTests {
    /// The functions the records name.
    static let functions = ["ksys_read", "vfs_read", "rw_verify_area", "fsnotify"]

    /// procfs and tracefs files say they are empty: read to the end instead of trusting the size.
    static func read(_ path: String) -> String? {
        FileHandle(forReadingAtPath: path).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }
    }

    static func eventID(_ name: String) -> UInt16? {
        guard let text = read("/sys/kernel/tracing/events/ftrace/\(name)/format"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ID: ") }) else { return nil }
        return UInt16(line.dropFirst(4))
    }

    /// Made-up kernel addresses, stored in the file as its kallsyms (the machine's own is not read).
    static let addresses: [String: UInt64] = Dictionary(uniqueKeysWithValues: functions.enumerated().map {
        ($0.element, 0xffff_ffff_8100_0000 + UInt64($0.offset) * 0x1000)
    })

    /// One 4 KB ring-buffer page: `u64 timestamp, local_t commit, data`; each record a u32 header
    /// (`type_len:5` = payload bytes / 4, `time_delta:27` from the previous record) and the payload.
    static func page(start: UInt64, records: [(ts: UInt64, payload: [UInt8])]) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        var data: [UInt8] = []
        var previous = start
        for r in records {
            precondition(r.payload.count % 4 == 0 && r.payload.count <= 112)
            data += le(UInt32(r.payload.count / 4) | UInt32(r.ts - previous) << 5) + r.payload
            previous = r.ts
        }
        let page = le(start) + le(UInt64(data.count)) + data
        return page + [UInt8](repeating: 0, count: 4096 - page.count)
    }

    @Test func functionGraphRecordsBecomeTheCallsTraceCmdShows() async throws {
        let addresses = Self.addresses
        guard getuid() == 0, let function = Self.eventID("function"),
              let entryID = Self.eventID("funcgraph_entry"), let exitID = Self.eventID("funcgraph_exit") else {
            print("function_graph trace.dat skipped: needs root and tracefs's ftrace formats")
            return
        }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        func common(_ id: UInt16) -> [UInt8] { le(id) + [0, 0] + le(Int32(4242)) }
        let t0: UInt64 = 1_000_000_000
        var records: [(ts: UInt64, payload: [UInt8])] = []
        func entry(_ at: UInt64, _ f: String, _ depth: UInt32) {
            records.append((t0 + at, common(entryID) + le(addresses[f]!) + le(depth) + [0, 0, 0, 0]))
        }
        func exit(_ at: UInt64, _ f: String, _ depth: UInt32, from: UInt64) {
            records.append((t0 + at, common(exitID) + le(addresses[f]!) + le(depth) + le(UInt32(0))
                + le(t0 + from) + le(t0 + at)))
        }
        records.append((t0, common(function) + le(addresses["vfs_read"]!) + le(addresses["ksys_read"]!)))
        entry(100, "ksys_read", 0)
        entry(200, "vfs_read", 1)
        entry(300, "rw_verify_area", 2)
        exit(350, "rw_verify_area", 2, from: 300)
        entry(400, "fsnotify", 2)
        exit(1_400, "fsnotify", 2, from: 400)
        exit(1_500, "vfs_read", 1, from: 200)
        exit(1_600, "ksys_read", 0, from: 100)

        let dir = NSTemporaryDirectory() + "tracetui-graph-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.page(start: t0, records: records)).write(to: URL(fileURLWithPath: dir + "/cpu0.raw"))
        let symbols = addresses.map { String($0.value, radix: 16) + " T " + $0.key + "\n" }.joined()
        try Data(symbols.utf8).write(to: URL(fileURLWithPath: dir + "/kallsyms"))
        let out = dir + "/graph.dat"
        let (status, errorText) = try TraceDatTests.run([
            "/usr/bin/env", "RAW_DIR=\(dir)", "KALLSYMS=\(dir)/kallsyms", "TRACE_EVENTS=sched/sched_switch", "/bin/bash",
            TraceDatTests.repo.appendingPathComponent("Tests/record-trace-dat.sh").path, out,
        ])
        if status == 77 {
            print("function_graph trace.dat skipped: \(errorText.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(status == 0, "record-trace-dat.sh: \(errorText)")
        // trace-cmd's graph view (durations) and the kernel's own print formats (-N: `vfs_read <-- ksys_read`).
        let (reportStatus, _, report) = try TraceDatTests.runCapturing(["/usr/bin/env", "trace-cmd", "report", out])
        let (plainStatus, _, plain) = try TraceDatTests.runCapturing(["/usr/bin/env", "trace-cmd", "report", "-N", out])
        #expect(reportStatus == 0 && plainStatus == 0)
        let theirDurations = report.split(separator: "\n").compactMap { line -> Int64? in
            guard let us = line.range(of: " us ") else { return nil }
            let number = line[..<us.lowerBound].split(separator: " ").last ?? ""
            return Double(number).map { Int64(($0 * 1000).rounded()) }
        }
        #expect(Set(theirDurations) == [50, 1_000, 1_300, 1_500], "trace-cmd report:\n\(report)")
        #expect(plain.contains("vfs_read <-- ksys_read"))

        let store = try await TraceInput(path: out).load()
        #expect(store.summary.unparsed == 0)
        #expect(store.summary.byEvent == ["function": 1, "funcgraph_entry": 4, "funcgraph_exit": 4])
        let functionRow = try #require((0..<store.count).first { store.eventNames[Int(store.row($0).event)] == "function" })
        #expect(store.payloadText(functionRow).contains("vfs_read <-ksys_read"))
        let tree = CallTree(store: store)
        let totals = Dictionary((0..<tree.count).map { (tree.name($0), tree.total[$0]) }, uniquingKeysWith: { a, _ in a })
        #expect(totals == ["ksys_read": 1_500, "vfs_read": 1_300, "rw_verify_area": 50, "fsnotify": 1_000])
        let vfsRead = try #require((0..<tree.count).first { tree.name($0) == "vfs_read" })
        #expect(tree.children(of: vfsRead).map { tree.name(Int($0)) } == ["rw_verify_area", "fsnotify"])
        #expect(tree.name(Int(tree.parent[vfsRead])) == "ksys_read")
        #expect(store.timestamp(functionRow) == Int64(t0))
    }
}
