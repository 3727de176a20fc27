import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// The viewer's export (run off the UI thread by its job runner) reports its progress and how it ended.
@Suite("Export job")
struct ExportJobTests {
    @Test func aFinishedJobGivesThePathTheRecordsAndTheBytes() throws {
        let path = NSTemporaryDirectory() + "tracetui-job-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reported: [Int] = []
        let state = ExportJob.run(path: path, progress: { reported.append($0) }) { sink in
            for _ in 0..<3 { sink.text(String(repeating: "x", count: 1 << 20)) }
            return 3
        }
        #expect(state == .finished(path: path, records: 3, bytes: 3 << 20))
        #expect(reported.last == 3 << 20 && reported == reported.sorted())
        #expect((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 3 << 20)
    }

    @Test func aFailedJobSaysWhyAndLeavesNoFile() throws {
        let path = NSTemporaryDirectory() + "tracetui-job-\(UUID().uuidString).txt"
        let state = ExportJob.run(path: path) { sink in
            sink.text("partial")
            throw ExportError("no function_graph calls or stacks to draw a flame graph of")
        }
        #expect(state == .failed("no function_graph calls or stacks to draw a flame graph of"))
        #expect(!FileManager.default.fileExists(atPath: path))
        guard case .failed(let reason) = ExportJob.run(path: "/nonexistent-dir/x.json", write: { _ in 0 }) else {
            Issue.record("an export into a missing directory fails")
            return
        }
        #expect(reason.contains("/nonexistent-dir/x.json"))
    }
}
