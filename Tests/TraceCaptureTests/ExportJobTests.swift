import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// The viewer's export runs on a task of its own and reports its state.
@Suite("Export job")
struct ExportJobTests {
    /// Polls the job for at most 10 s.
    static func settle(_ job: ExportJob) async -> ExportJob.State {
        let deadline = ContinuousClock.now + .seconds(10)
        while job.state.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return job.state
    }

    @Test func aFinishedJobGivesThePathTheRecordsAndTheBytes() async throws {
        let path = NSTemporaryDirectory() + "tracetui-job-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let job = ExportJob.start(path: path) { sink in
            for _ in 0..<3 { sink.text(String(repeating: "x", count: 1 << 20)) }
            return 3
        }
        let state = await Self.settle(job)
        #expect(state == .finished(path: path, records: 3, bytes: 3 << 20))
        #expect((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 3 << 20)
    }

    @Test func aFailedJobSaysWhyAndLeavesNoFile() async throws {
        let path = NSTemporaryDirectory() + "tracetui-job-\(UUID().uuidString).txt"
        let job = ExportJob.start(path: path) { sink in
            sink.text("partial")
            throw ExportError("no function_graph calls or stacks to draw a flame graph of")
        }
        let state = await Self.settle(job)
        #expect(state == .failed("no function_graph calls or stacks to draw a flame graph of"))
        #expect(!FileManager.default.fileExists(atPath: path))
        let unwritable = ExportJob.start(path: "/nonexistent-dir/x.json") { _ in 0 }
        guard case .failed(let reason) = await Self.settle(unwritable) else {
            Issue.record("an export into a missing directory fails")
            return
        }
        #expect(reason.contains("/nonexistent-dir/x.json"))
    }
}
