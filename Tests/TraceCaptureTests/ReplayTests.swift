import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// The file source: mapping, errors, and parallel parsing that equals a single pass.
@Suite("Replay of files")
struct ReplayTests {
    static let samples: URL = {
        if let env = ProcessInfo.processInfo.environment["TRACETUI_SAMPLES"] { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/samples")
    }()

    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "tracetui-test-\(UUID().uuidString).log"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func missingFileDirectoryAndUnreadableFileGiveOneLineErrors() throws {
        #expect(throws: CaptureError("no such file: /nonexistent/trace.log")) {
            _ = try MappedFile(path: "/nonexistent/trace.log")
        }
        #expect(throws: CaptureError("/tmp is a directory, not a trace file")) { _ = try MappedFile(path: "/tmp") }
    }

    @Test func emptyFileMapsToNoBytes() throws {
        let path = try Self.temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try MappedFile(path: path)
        #expect(file.bytes.count == 0)
    }

    /// A log large enough to be cut into many pieces, with stacks placed across the cut points.
    static func largeLog() throws -> [UInt8] {
        let body = try Data(contentsOf: samples.appendingPathComponent(
            "events/jhyunleehi-lk-ftrace.log-syscalls-stacktrace-cpu-buffer-started.txt"))
        let events = try Data(contentsOf: samples.appendingPathComponent("events/tracetui-vm-6.18-default-5char-syscalls.txt"))
        var out: [UInt8] = []
        while out.count < 6 << 20 {
            out += body
            out += events
        }
        return out
    }

    @Test func piecesNeverSeparateAnEventFromItsStack() throws {
        let bytes = try Self.largeLog()
        let storage = OwnedBytes(bytes)
        let ranges = PieceSplitter.split(storage.bytes, firstSize: 4096, size: 7919)
        #expect(ranges.count > 100)
        for r in ranges.dropFirst() {
            let line = String(decoding: bytes[r.lowerBound..<min(r.upperBound, r.lowerBound + 60)], as: UTF8.self)
            #expect(!line.trimmingCharacters(in: .whitespaces).hasPrefix("=>"))
            #expect(!line.contains("<stack trace>"))
        }
        #expect(ranges.first?.lowerBound == 0)
        #expect(ranges.last?.upperBound == bytes.count)
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
    }

    @Test func parallelPiecesGiveTheSameStoreAsOnePass() async throws {
        let bytes = try Self.largeLog()
        let storage = OwnedBytes(bytes)
        var single = EventStore()
        single.append(PieceParser(tracer: "nop").parse(storage, range: 0..<bytes.count))
        var parallel = EventStore()
        await ParallelParse.run(storage, keepRows: true) { parallel.append($0) }
        #expect(parallel.chunks.count > 1)
        #expect(parallel.count == single.count)
        #expect(parallel.summary == single.summary)
        for row in stride(from: 0, to: single.count, by: 997) {
            #expect(parallel.row(row) == single.row(row).withTask(parallel.row(row).task))
            #expect(parallel.taskLabel(parallel.row(row).task) == single.taskLabel(single.row(row).task))
            #expect(parallel.eventNames[Int(parallel.row(row).event)] == single.eventNames[Int(single.row(row).event)])
            #expect(parallel.stack(row) == single.stack(row))
        }
        let summary = await ParallelParse.summarize(storage)
        #expect(summary == single.summary)
    }

    @Test func captureSessionPublishesProgressAndTheFinalStore() async throws {
        let file = try MappedFile(path: Self.samples.appendingPathComponent(
            "events/tracetui-vm-6.18-default-5char-syscalls.txt").path)
        let session = CaptureSession(sourceName: "sample")
        await session.replay(file)
        let snapshot = session.snapshots.current
        #expect(snapshot.progress.finished)
        #expect(snapshot.progress.bytesDone == file.bytes.count)
        #expect(snapshot.store.count == 26_222)
        #expect(snapshot.store.summary.byCPU == [0: 17_524, 1: 8_698])
        #expect(snapshot.generation >= 2)
        #expect(snapshot.store.columnBytes <= 32 * snapshot.store.count)
        #expect(snapshot.callTree == nil, "an event trace has no function_graph calls")
    }

    @Test func theCallTreeIsBuiltOnceLoadingEnds() async throws {
        let file = try MappedFile(path: Self.samples.appendingPathComponent(
            "function_graph/perf-tools-funcgraph-header-abstime-vfs_read.txt").path)
        let session = CaptureSession(sourceName: "graph")
        await session.replay(file)
        let snapshot = session.snapshots.current
        let tree = try #require(snapshot.callTree)
        #expect(tree.count == CallTree(store: snapshot.store).count)
        #expect(tree.count > 900)
    }
}

extension EventRow {
    func withTask(_ t: UInt32) -> EventRow {
        var copy = self
        copy.task = t
        return copy
    }
}
