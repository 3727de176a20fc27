import TraceModel

/// What a latency job measured: the report, and (live) the analyzer to go on from with the next rows.
public struct LatencyJobResult: Sendable {
    var key: LatencyJobState.Key
    var generation: Int
    var analyzer: LatencyAnalyzer?
    var report: LatencyReport
}

/// The app's side of the latency view: what was measured last, over which rows, and when to measure again.
struct LatencyJobState: Sendable {
    /// What a measurement depends on besides the store: the filter and how far its scan got, the markers, the
    /// grouping. A change measures again from scratch.
    struct Key: Equatable, Sendable {
        var filter: String?
        var matched: Int
        var markers: ClosedRange<Int>?
        var grouping: LatencyGrouping
    }

    var measured: Key?
    var generation = -1
    /// Live: the passes over the rows read so far, fed only the new rows at each refresh.
    var analyzer: LatencyAnalyzer?
    var running = false
    var started: Duration = .zero
    var nextRefresh: Duration = .zero
    /// Measurements adopted, and the rows (evicted ones included) the last one covered: the benchmark's check
    /// that the open view keeps up with the reader.
    var refreshes = 0
    var measuredRows = 0
    /// Live: the reader was asked to keep typed values (`TraceApp+LatencyCapture`).
    var typedCaptureAsked = false
}

/// Key 6: the latency report, measured off the UI thread over what the stream shows (its filter, the A–B
/// markers); live, measured again at most once a second, reading only the rows that arrived since.
extension TraceApp {
    /// What the measurement would depend on now (cheap: no rows copied).
    private func latencyKey() -> LatencyJobState.Key {
        let filtered = stream.filteredRows(store)
        var markers: ClosedRange<Int>?
        if let a = stream.markerA, let b = stream.markerB, a < store.count, b < store.count { markers = min(a, b)...max(a, b) }
        return LatencyJobState.Key(filter: stream.filterText, matched: filtered?.rows.count ?? 0, markers: markers,
                                   grouping: latency?.wantedGrouping ?? .comm)
    }

    /// The rows `key` names, and the status line's word for them.
    private func latencyScope(_ key: LatencyJobState.Key) -> (LatencyScope, String) {
        var scope = LatencyScope()
        var label = "whole trace"
        if let filtered = stream.filteredRows(store) {
            scope.selection = filtered.rows.map { Int($0) }
            label = filtered.complete ? "filter" : "filter (scanning…)"
        }
        if let markers = key.markers {
            scope.time = store.timestamp(markers.lowerBound)...store.timestamp(markers.upperBound)
            label = key.filter == nil ? "A–B" : label + ", A–B"
        }
        return (scope, label)
    }

    /// When the open latency view wants measuring again (live: the store grew and a second has passed).
    var latencyDueAt: Duration? {
        guard focus == .latency, latency != nil, !latencyState.running, snapshot.progress.finished else { return nil }
        if latencyState.measured != latencyKey() { return now }
        guard isLive, !paused, snapshot.generation != latencyState.generation else { return nil }
        return latencyState.nextRefresh
    }

    /// Starts a measurement when the view is open and its data or scope changed.
    mutating func refreshLatencyIfDue() {
        askTypedCaptureOnce()
        guard let due = latencyDueAt, now >= due else { return }
        let key = latencyKey()
        let (scope, label) = latencyScope(key)
        latency?.scopeLabel = label
        // Live, the passes go on from the rows already read, unless the scope changed (a filter's rows are
        // taken whole: new rows are not yet filtered when they arrive).
        let incremental = isLive && scope.selection == nil && latencyState.measured == key
        let analyzer = incremental ? latencyState.analyzer ?? LatencyAnalyzer(options(scope, key)) : LatencyAnalyzer(options(scope, key))
        // The job takes the passes over: held here too, every array in them would be copied at the job's first write.
        latencyState.analyzer = nil
        latencyState.running = true
        latencyState.started = now
        let store = self.store, generation = snapshot.generation, live = isLive
        emit(.run(Job(key: "latency") { control in
            var a = analyzer
            a.consume(store)
            if control.isCancelled { return .notice("") }
            return .latency(LatencyJobResult(key: key, generation: generation, analyzer: live ? a : nil, report: a.report()))
        }))
    }

    private func options(_ scope: LatencyScope, _ key: LatencyJobState.Key) -> LatencyOptions {
        LatencyOptions(grouping: key.grouping, scope: scope, worst: 50)
    }

    mutating func adoptLatency(_ result: LatencyJobResult) {
        latencyState.running = false
        latencyState.measured = result.key
        latencyState.generation = result.generation
        latencyState.analyzer = result.analyzer
        latencyState.refreshes += 1
        latencyState.measuredRows = result.analyzer?.consumed ?? store.count
        // A refresh that takes long comes less often: never more than a quarter of the time.
        latencyState.nextRefresh = now + max(.seconds(1), (now - latencyState.started) * 4)
        latency?.show(result.report, grouping: result.key.grouping)
    }

    /// For the line the live viewer leaves after quitting (nil: the latency view never measured).
    public var latencyRefreshSummary: String? {
        guard latencyState.refreshes > 0 else { return nil }
        return "latency view: \(latencyState.refreshes) measurements, the last over \(latencyState.measuredRows) of "
            + "\(store.evictedRows + store.count) rows"
    }

    /// The events behind a number: their rows in the stream, marked in the gutter.
    mutating func showInStream(_ rows: ClosedRange<Int>) {
        detail.close()
        focus = .stream
        stream.jump(toStoreRow: rows.lowerBound, store)
        stream.highlight = rows
        if isLive, !paused {
            paused = true
            say("view paused to show the events (space follows again)")
        }
    }
}
