import Synchronization
import TraceModel
import TraceTUI

/// Live: rebuilds the hotspot table (and flame graph) of the growing capture in a background task while
/// the UI goes on drawing, and hands the result to the app on a later frame. One build at a time, at most
/// twice a second, and never more than a fifth of the time (a table of millions of samples takes a while).
@MainActor
final class HotspotRefresher {
    private final class Inbox: Sendable {
        let result = Mutex<HotspotRefresh?>(nil)
    }

    private let done = Inbox()
    private var running = false
    private var nextStart = ContinuousClock.now
    private var started = ContinuousClock.now

    func step(_ app: inout TraceApp) {
        if let result = done.result.withLock({ r -> HotspotRefresh? in
            defer { r = nil }
            return r
        }) {
            running = false
            let took = ContinuousClock.now - started
            nextStart = ContinuousClock.now + max(.milliseconds(500), took * 4)
            app.apply(result)
        }
        guard !running, ContinuousClock.now >= nextStart, let request = app.hotspotRefreshRequest() else { return }
        running = true
        started = ContinuousClock.now
        let box = done
        Task.detached {
            let result = HotspotRefresh.build(request)
            box.result.withLock { $0 = result }
        }
    }
}
