import Foundation
import Glibc
import TraceCapture
import TraceModel
import TraceTUI

/// The viewer's work that outlasts a frame — the hotspot table and callchains, an `x` export, an A–B call tree
/// over many rows, a live save — run off the UI thread; the replay and live loops both hand requests over and
/// take results here.
@MainActor
struct ViewWork {
    private let hotspotJobs = BackgroundJobs()
    private var exportJob: ExportJob?
    private var treeJob: (rows: Range<Int>, calls: BackgroundValue<CallTree>)?
    /// Live `w`: the capture goes on meanwhile; what the file will hold is the store as it was when asked.
    private var saveJob: BackgroundValue<String>?
    /// What the last finished save said, repeated after the screen closes.
    private(set) var lastSaid: String?

    /// Shows what finished (a built tree, a save, an export's progress or its end).
    mutating func deliver(to app: inout TraceApp) {
        hotspotJobs.deliver(to: &app)
        hotspotJobs.start(from: &app)
        if let said = saveJob?.value {
            app.notify(said)
            lastSaid = said
            saveJob = nil
        }
        if let job = treeJob, let calls = job.calls.value {
            app.treeBuilt(calls, rows: job.rows)
            treeJob = nil
        }
        guard let job = exportJob else { return }
        switch job.state {
        case .running(let bytes):
            app.exportProgress(bytes: bytes)
        case .finished(let path, let records, _):
            app.exportFinished(path: path, records: records, error: nil)
            exportJob = nil
        case .failed(let reason):
            app.exportFinished(path: nil, records: 0, error: reason)
            exportJob = nil
        }
    }

    /// Saves a live capture and its /proc samples in the background; a second `w` waits for the first.
    mutating func save(_ store: EventStore, proc: ProcHistory, to path: String, app: inout TraceApp) {
        guard saveJob == nil else {
            app.notify("still saving the previous file")
            return
        }
        app.notify("saving \(path)…")
        saveJob = BackgroundValue {
            do {
                let said = try TraceWriter.save(store, to: path)
                try ProcSidecarFile.save(proc, forTrace: path)
                return "\(said) (and /proc samples to \(path).proc)"
            } catch {
                return "\(error)"
            }
        }
    }

    /// Waits for a save still being written; what the last save said, or nil when there was none.
    mutating func finishSave() async -> String? {
        if let saveJob {
            while saveJob.value == nil { try? await Task.sleep(for: .milliseconds(20)) }
            lastSaid = saveJob.value
            self.saveJob = nil
        }
        return lastSaid
    }

    /// Starts what the keys just asked for.
    mutating func start(from app: inout TraceApp) {
        if let request = app.takeExportRequest() { exportJob = Self.export(request, app: app) }
        if let rows = app.takeTreeRequest() {
            let store = app.store
            treeJob = (rows, BackgroundValue { CallTree(store: store, rows: rows) })
        }
        hotspotJobs.start(from: &app)
    }

    /// Starts writing the view the `x` menu chose into the current directory (handed to the sudo user when under
    /// sudo), on a task of its own: the viewer shows its progress and keeps answering keys.
    @MainActor
    private static func export(_ request: ExportRequest, app: TraceApp) -> ExportJob {
        let directory = FileManager.default.currentDirectoryPath
        let name = request.fileName { FileManager.default.fileExists(atPath: directory + "/" + $0) }
        let store = app.store, tree = app.callTree
        #if DEBUG
        // Lets the end-to-end tests hold an export open (until this file exists) and use the keys meanwhile.
        let gate = ProcessInfo.processInfo.environment["TRACETUI_TEST_EXPORT_GATE"]
        #endif
        return ExportJob.start(path: directory + "/" + name) { sink in
            #if DEBUG
            if let gate {
                let deadline = ContinuousClock.now + .seconds(30)
                while !FileManager.default.fileExists(atPath: gate), ContinuousClock.now < deadline {
                    usleep(20_000)
                }
            }
            #endif
            return try request.write(store: store, tree: tree, to: &sink)
        }
    }
}
