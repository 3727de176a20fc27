import Foundation
import Glibc
import TraceCapture
import TraceModel
import TraceTUI

/// What the viewer asks of the world, done here because only the executable owns files and the capture:
/// saving a live capture (`w`), writing an export (`x`), turning a tracepoint on or off. Saves and exports
/// run as jobs on the run loop's runner, so their progress and outcome come back as events.
@MainActor
final class ViewerHost: AppHost {
    /// The live session's /proc samples, saved beside a capture.
    private let proc: ProcHistoryBox?
    private let setEvent: (@Sendable (String, Bool) -> Void)?
    /// Live: turned on when the latency view first opens (`Effect.keepLatencyFields`).
    var latencyCapture: LatencyCaptureSwitch?

    init(proc: ProcHistoryBox? = nil, setEvent: (@Sendable (String, Bool) -> Void)? = nil) {
        self.proc = proc
        self.setEvent = setEvent
    }

    func perform(_ effect: Effect, jobs: JobRunner) {
        switch effect {
        case .save(let path, let store) where path.hasSuffix(".dat"):
            // The extension chooses the format: the records the viewer kept, as ring-buffer pages again.
            jobs.start(Job(key: "save") { _ in
                do {
                    return .saved(try KeptTraceDat.save(store, to: path))
                } catch {
                    return .saved("\(error)")
                }
            })
        case .save(let path, let store):
            // The capture goes on meanwhile; the file holds the store as it was when asked.
            let history = proc?.current.history
            jobs.start(Job(key: "save") { _ in
                do {
                    let said = try TraceWriter.save(store, to: path)
                    guard let history else { return .saved(said) }
                    try ProcSidecarFile.save(history, forTrace: path)
                    return .saved("\(said) (and /proc samples to \(path).proc)")
                } catch {
                    return .saved("\(error)")
                }
            })
        case .export(let request, let store, let tree):
            jobs.start(Self.export(request, store: store, tree: tree))
        case .setEvent(let name, let on):
            setEvent?(name, on)
        case .keepLatencyFields:
            latencyCapture?.turnOn()
        case .run, .repaint, .quit:
            break
        }
    }

    /// Writes the view the `x` menu chose into the current directory (handed to the sudo user when under sudo).
    private static func export(_ request: ExportRequest, store: EventStore, tree: CallTree?) -> Job {
        let directory = FileManager.default.currentDirectoryPath
        let name = request.fileName { FileManager.default.fileExists(atPath: directory + "/" + $0) }
        #if DEBUG
        // Lets the end-to-end tests hold an export open (until this file exists) and use the keys meanwhile.
        let gate = ProcessInfo.processInfo.environment["TRACETUI_TEST_EXPORT_GATE"]
        #endif
        return Job(key: "export") { control in
            #if DEBUG
            if let gate {
                let deadline = ContinuousClock.now + .seconds(30)
                while !FileManager.default.fileExists(atPath: gate), ContinuousClock.now < deadline { usleep(20_000) }
            }
            #endif
            let state = ExportJob.run(path: directory + "/" + name, progress: { control.progress(.exportProgress(bytes: $0)) }) {
                // pprof is encoded by the capture layer's protobuf code; the other formats by the request.
                request.format == .pprof ? try PprofWriter.write(store: store, tree: tree, to: &$0)
                    : try request.write(store: store, tree: tree, to: &$0)
            }
            switch state {
            case .finished(let path, let records, _): return .exportFinished(path: path, records: records, error: nil)
            case .failed(let reason): return .exportFinished(path: nil, records: 0, error: reason)
            case .running: return .exportFinished(path: nil, records: 0, error: "the export stopped early")
            }
        }
    }
}
