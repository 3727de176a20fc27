import Foundation
import Glibc
import Testing
import TraceCapture
import TraceModel

/// tracetui's trace.dat writer: the v6 layout, and a recording libtracecmd reads back with the same events the
/// text reader saw of the same workload.
@Suite("trace.dat recording", .serialized)
struct TraceDatRecordTests {
    @Test
    func theHeaderStartsWithTheMagicAndPutsEachCPUsDataOnAPageBoundary() {
        var layout = TraceDatLayout(pageSize: 4096)
        layout.headerPage = Array("field: u64 timestamp;\n".utf8)
        layout.systems = [("sched", [Array("name: sched_switch\n".utf8)])]
        layout.options = [(.cpuCount, TraceDatLayout.uint32(2))]
        let (bytes, start) = layout.header(cpuSizes: [8192, 4096])
        #expect(Array(bytes.prefix(13)) == [0x17, 0x08, 0x44] + Array("tracing6".utf8) + [0, 0])
        #expect(bytes[13] == UInt8(MemoryLayout<Int>.size))
        #expect(start % 4096 == 0 && bytes.count == start)
        // The flyrecord table: CPU 0 at the first page boundary, CPU 1 right after its 8192 bytes.
        let fly = try! #require(bytes.indices.first { Array(bytes[$0..<min($0 + 10, bytes.count)]) == Array("flyrecord".utf8) + [0] })
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        #expect(u64(fly + 10) == start && u64(fly + 18) == 8192)
        #expect(u64(fly + 26) == start + 8192 && u64(fly + 34) == 4096)
    }

    /// Two busy CPUs' pages go to a trace.dat; libtracecmd reads back every record the recorder counted, each
    /// syscall of the two `dd`s (a read and a write a byte) on the CPU it was pinned to, in one time order.
    /// (The text recorded beside it is compared end to end: `EndToEnd.TraceDat`, one instance a process.)
    @Test(.enabled(if: TimeOrderTests.twoCPUs))
    func aRecordedTraceDatReadsBackEveryRecordThroughLibtracecmd() async throws {
        let root = try Tracefs.locate()
        let directory = NSTemporaryDirectory() + "tracetui-dat-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let load = try BusyCPUs(count: 2, bytes: 20_000)
        defer { load.finish() }
        var options = LiveOptions()
        options.events = ["sched:sched_switch", "raw_syscalls:sys_enter", "raw_syscalls:sys_exit"]
        options.pids = load.pids
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        try instance.start(options)
        let recorder = try TraceDatRecorder(instance: instance, directory: directory)
        load.go()
        for _ in 0..<1000 {
            _ = recorder.drain()
            if load.exited() { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(load.exited())
        instance.stopTracing()
        _ = recorder.drain()
        let path = directory + "/rec.dat"
        try recorder.finish(to: path)
        recorder.close()

        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size >= recorder.pages * recorder.pageSize && recorder.pageSize >= 4096)
        let dat = try await TraceInput(path: path).load()
        #expect(recorder.missed == 0)
        #expect(dat.count == recorder.events, "libtracecmd reads every record copied (\(recorder.pages) pages)")
        let counts = Self.counts(dat)
        #expect((counts["sys_enter"] ?? 0) >= 80_000, "\(counts)")
        #expect(abs((counts["sys_enter"] ?? 0) - (counts["sys_exit"] ?? 0)) <= 4, "\(counts)")
        let cpus = Self.cpuCounts(dat)
        #expect((cpus[0] ?? 0) >= 40_000 && (cpus[1] ?? 0) >= 40_000, "\(cpus)")
        #expect((1..<dat.count).allSatisfy { dat.timestamp($0) >= dat.timestamp($0 - 1) })
    }

    /// A slow trace (a marker every 10 ms, a drain after each) keeps its pages in the kernel until they fill or
    /// tracing stops: a read(2) of a page still being written took the one new record, and each became a
    /// 4 KB page of the file (30 pages here before the recorder took only full pages by splice).
    @Test(.enabled(if: LiveCaptureTests.available))
    func aSlowTraceIsNotWrittenAPageADrain() async throws {
        let directory = NSTemporaryDirectory() + "tracetui-dat-slow-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = LiveOptions()
        // An event nobody fires (pid 1 does not run sched_process_exec): the markers alone are recorded.
        options.events = ["sched:sched_process_exec"]
        options.pids = [1]
        let instance = try TraceInstance(root: try Tracefs.locate())
        defer { instance.destroy() }
        try instance.start(options)
        let recorder = try TraceDatRecorder(instance: instance, directory: directory)
        let marker = open(instance.dir + "/trace_marker", O_WRONLY)
        try #require(marker >= 0, "the instance's trace_marker opens")
        defer { close(marker) }
        var written = 0
        for k in 0..<30 {
            if "tracetui slow marker \(k)".withCString({ write(marker, $0, strlen($0)) }) > 0 { written += 1 }
            try await Task.sleep(for: .milliseconds(10))
            _ = recorder.drain()
        }
        instance.stopTracing()
        _ = recorder.drain()
        let path = directory + "/slow.dat"
        try recorder.finish(to: path)
        recorder.close()
        #expect(written == 30)
        #expect(recorder.events == written, "every marker copied once tracing stopped")
        // One page per CPU at most: the markers fit in one page, wherever the test ran them.
        #expect(recorder.pages <= 2, "\(recorder.pages) pages for \(recorder.events) records")
        let dat = try await TraceInput(path: path).load()
        #expect(dat.count == written)
    }

    static func counts(_ store: EventStore) -> [String: Int] {
        var out: [String: Int] = [:]
        for row in 0..<store.count { out[store.eventNames[Int(store.eventID(row))], default: 0] += 1 }
        return out
    }

    static func cpuCounts(_ store: EventStore) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for row in 0..<store.count { out[store.row(row).cpu ?? -1, default: 0] += 1 }
        return out
    }
}
