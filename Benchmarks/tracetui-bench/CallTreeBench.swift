import Foundation
import Screen
import TraceCapture
import TraceModel
import TraceTUI

/// The call tree's figures: a large function_graph log's tree built within 5 s and 1.5× the file's size
/// in memory, and a node with 100 000 children unfolded and redrawn within 50 ms.
enum CallTreeBench {
    /// Unfolds a call with 100 000 children in the tree pane and draws a 200×50 screen, best of 5.
    static func redrawHugeNode() {
        var text = " 0)               |  parent() {\n"
        for i in 0..<100_000 { text += " 0)   0.\(100 + i % 800) us    |    child_\(i % 50)();\n" }
        text += " 0) $ 1000000 us |  }\n"
        let storage = OwnedBytes(Array(text.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        var snapshot = TraceSnapshot(source: "100k-children", store: store,
                                     progress: LoadProgress(bytesDone: 1, bytesTotal: 1, finished: true),
                                     generation: 1)
        snapshot.callTree = CallTree(store: store)
        var app = TraceApp(snapshot: snapshot)
        _ = app.handle(.snapshot(snapshot))
        _ = app.handle(Key.tab)
        var best = Double.infinity
        for _ in 0..<5 {
            _ = app.handle(Key.enter)  // fold
            var canvas = app.draw(width: 200, height: 50)
            let started = ContinuousClock.now
            _ = app.handle(Key.enter)  // unfold: 100 000 rows
            canvas = app.draw(width: 200, height: 50)
            best = min(best, (ContinuousClock.now - started).seconds)
        }
        let verdict = best < 0.05 ? "PASS" : "MISS"
        print("call tree: unfold a call with 100,000 children and redraw 200x50: "
              + String(format: "%.1f ms", best * 1000) + "   (bar < 50 ms) \(verdict)")
    }

    /// Builds the call tree of a generated function_graph log of `sizeMB` MiB: parse + tree, and memory.
    static func buildLargeTree(sizeMB: Int, keep: Bool) async throws(BenchError) {
        let path = BenchPaths.generatedGraphLog
        let bytes = sizeMB << 20
        if (TraceGenerator.fileSize(path) ?? 0) < bytes { try generateGraphLog(path: path, bytes: bytes) }
        defer { if !keep { unlink(path) } }
        let fileBytes = TraceGenerator.fileSize(path) ?? 0
        _ = ProcessMemory.resetPeak()
        let session = CaptureSession(sourceName: path)
        let run = try await timed { () async throws(BenchError) in
            let storage: MappedFile
            do throws(CaptureError) { storage = try MappedFile(path: path) } catch { throw BenchError(error.description) }
            await session.replay(storage)
        }
        let total = run.seconds
        let snapshot = session.snapshots.current
        // The peak is read before timing the tree alone: a second tree would count twice.
        let peak = ProcessMemory.status("VmHWM") ?? 0  // bytes
        let anon = ProcessMemory.status("RssAnon") ?? 0
        let tree = snapshot.callTree ?? CallTree(store: snapshot.store)
        let treeStarted = ContinuousClock.now
        _ = CallTree(store: snapshot.store)
        let treeOnly = (ContinuousClock.now - treeStarted).seconds
        let mb = Double(fileBytes) / Double(1 << 20)
        print(String(format: "call tree: %.0f MB function_graph log, %d lines, %d calls", mb, snapshot.store.count, tree.count))
        print(String(format: "  open + parse + tree (CaptureSession.replay)  %.2f s   (bar < 5 s for 1 GB) %@", total,
                     total < 5 * (Double(fileBytes) / Double(1 << 30)) ? "PASS (scaled)" : "MISS (scaled)"))
        print(String(format: "  CPU %.2f s over %.2f s = %.2f cores; other processes kept %.2f cores busy meanwhile",
                     run.cpuSeconds, run.seconds, run.cores, run.otherCores))
        print(String(format: "  tree alone from the store (CallTree(store:), as for an A-B range)  %.2f s", treeOnly))
        print(String(format: "  peak RSS %.0f MB = %.2fx the file   (bar <= 1.5x) %@", Double(peak) / Double(1 << 20),
                     Double(peak) / Double(max(1, fileBytes)), Double(peak) <= 1.5 * Double(fileBytes) ? "PASS" : "MISS"))
        print(String(format: "  anonymous RSS after load %.0f MB = %.2fx the file (store + tree; the rest is the mapped file)",
                     Double(anon) / Double(1 << 20), Double(anon) / Double(max(1, fileBytes))))
        withExtendedLifetime(snapshot) {}
    }

    /// Repeats the body of a real function_graph capture (abstime, vfs_read) to `bytes`.
    static func generateGraphLog(path: String, bytes: Int) throws(BenchError) {
        let sample = BenchPaths.graphSamples + "/perf-tools-funcgraph-header-abstime-vfs_read.txt"
        guard let data = FileManager.default.contents(atPath: sample) else { throw BenchError("cannot read \(sample)") }
        let body = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }.joined(separator: "\n") + "\n"
        let chunk = Data(String(repeating: body, count: max(1, (8 << 20) / max(1, body.utf8.count))).utf8)
        try? FileManager.default.createDirectory(atPath: BenchPaths.dataDirectory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data("# tracer: function_graph\n".utf8)),
              let handle = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        handle.seekToEndOfFile()
        var written = 0
        while written < bytes {
            handle.write(chunk)
            written += chunk.count
        }
        handle.closeFile()
    }
}
