import Foundation
import TraceCapture
import TraceModel

/// The durations figure: 10 million function_graph calls (a real vfs_read capture repeated, as for the
/// call tree figures) aggregated into the hotspot table — per function calls, total, self, avg, max, min,
/// like `uftrace report` (bar < 3 s).
enum DurationsBench {
    /// The vfs_read capture holds 988 calls in 104 441 bytes of body.
    static let bytesPerCall = 104_441.0 / 988

    static func aggregate(calls target: Int, keep: Bool) async throws(BenchError) {
        let path = BenchPaths.generatedGraphLog
        let bytes = Int(Double(target) * bytesPerCall * 1.01)
        let reused = (TraceGenerator.fileSize(path) ?? 0) >= bytes
        if !reused { try CallTreeBench.generateGraphLog(path: path, bytes: bytes) }
        defer { if !keep { unlink(path) } }
        let session = CaptureSession(sourceName: path)
        let load = try await timed { () async throws(BenchError) in
            let storage: MappedFile
            do throws(CaptureError) { storage = try MappedFile(path: path) } catch { throw BenchError(error.description) }
            await session.replay(storage)
        }
        let snapshot = session.snapshots.current
        guard let tree = snapshot.callTree, tree.count > 0 else { throw BenchError("no calls in \(path)") }
        let source = HotspotSource(store: snapshot.store, callTree: tree)
        let bySymbol = try await bestOf(3) { () async throws(BenchError) -> HotspotTable in await source.buildTable() }
        let byCPU = try await bestOf(3) { () async throws(BenchError) -> Int in
            await source.buildTable(keys: [.symbol, .cpu]).entryCount
        }
        let table = bySymbol.value
        let top = table.order.first.map { Int($0) }
        let verdict = bySymbol.seconds < 3 ? "PASS" : "MISS"
        print("hotspots: \(tree.count.formatted()) function_graph calls (\(reused ? "reused" : "generated") "
              + String(format: "%.0f MB log, loaded in %.1f s", Double(TraceGenerator.fileSize(path) ?? 0) / 1_048_576, load.seconds)
              + ") into \(table.entryCount) functions (calls, total, self, avg, max, min): "
              + String(format: "%.2f s (%.2f s of CPU; other processes kept %.1f cores busy), split by CPU %.2f s",
                       bySymbol.seconds, bySymbol.cpuSeconds, bySymbol.otherCores, byCPU.seconds)
              + "   (bar < 3 s) \(verdict)")
        if let top {
            print("  top by total: \(table.label(.symbol, of: top)) \(table.countValue[top].formatted()) calls, "
                  + "total \(TimeFormat.duration(nanoseconds: table.childrenValue[top]))")
        }
        withExtendedLifetime(snapshot) {}
    }
}
