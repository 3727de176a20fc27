import Synchronization
import TraceTUI

/// Runs the viewer's background jobs (the hotspot table, callchains) on detached tasks and keeps their
/// results until the UI loop takes them: the UI thread never builds, it only adopts.
final class BackgroundJobs: Sendable {
    private let done = Mutex<[HotspotJobResult]>([])

    /// Starts every job the app asked for since the last call.
    func start(from app: inout TraceApp) {
        for job in app.takeBackgroundJobs() {
            Task.detached { [self] in
                let result = await job.run()
                self.done.withLock { $0.append(result) }
            }
        }
    }

    /// Gives the app what finished since the last call (and starts what adopting asked for).
    func deliver(to app: inout TraceApp) {
        let results = done.withLock { results in
            defer { results.removeAll() }
            return results
        }
        for r in results { app.adopt(r) }
        if !results.isEmpty { start(from: &app) }
    }
}
