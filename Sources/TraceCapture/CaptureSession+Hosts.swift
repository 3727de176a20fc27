import Glibc
import TraceModel

extension CaptureSession {
    /// Streams several hosts' captures into one store until the task is cancelled: each host's text is parsed,
    /// tagged with its host id, moved onto the viewer's clock by its offset and appended; a lost connection
    /// leaves a gap row on its host. Then stops every host (each remote removes its instance) and publishes
    /// the rest.
    public func live(hosts: [RemoteCapture], keep: Int, maxBytes: Int = 1 << 30,
                     idle: Duration = .milliseconds(10), publishEvery: Duration = .milliseconds(33)) async {
        var status = LiveStatus()
        let ids = hosts.map { store.hostID(named: $0.name) }
        status.hosts = hosts.map(\.status)
        snapshots.publish {
            $0.live = status
            $0.progress = LoadProgress(finished: true)
        }
        hosts.forEach { $0.start() }
        var feed = LiveFeed(keep: keep, maxBytes: maxBytes)
        let clock = ContinuousClock()
        var lastPublish = clock.now
        var windowStart = clock.now
        var windowRows = 0
        var rows = 0
        var lastTime = [Int64](repeating: 0, count: hosts.count)
        var dropped = [Int](repeating: 0, count: hosts.count)
        var hostRows = [Int](repeating: 0, count: hosts.count)
        func absorb(_ k: Int, _ batch: HostBatch) -> Int {
            var bytes = 0
            for r in batch.ranges {
                var piece = feed.parse(r)
                piece.host = ids[k]
                piece.shiftTimes(by: batch.offset)
                if let t = piece.latestTime { lastTime[k] = max(lastTime[k], t) }
                rows += piece.rowCount
                hostRows[k] += piece.rowCount
                bytes += r.range.count
                feed.absorb(piece, into: &store)
            }
            // After the text: a connection's last lines are queued before it counts as lost.
            for _ in 0..<batch.gaps {
                feed.absorb(ParsedPiece.gap(host: ids[k], at: lastTime[k]), into: &store)
            }
            dropped[k] = batch.dropped
            return bytes
        }
        func publish(final: Bool = false) {
            status.events = rows
            status.missed = Int(store.summary.lostInLines) + dropped.reduce(0, +)
            status.evicted = store.evictedRows
            status.hosts = hosts.indices.map { k in
                var h = hosts[k].status
                h.rows = hostRows[k]
                return h
            }
            if final { status.running = false }
            let snapshot = store
            let current = status
            let tree = final ? feed.finalCallTree(store) : feed.callTreeIfDue(store)
            snapshots.publish {
                $0.store = snapshot
                $0.live = current
                if let tree { $0.callTree = tree }
            }
            lastPublish = clock.now
        }
        var pause = idle
        while !Task.isCancelled {
            var bytes = 0
            for (k, host) in hosts.enumerated() { bytes += absorb(k, host.take()) }
            let elapsed = clock.now - windowStart
            if elapsed >= .milliseconds(500) {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                status.eventsPerSecond = Double(rows - windowRows) / seconds
                windowRows = rows
                windowStart = clock.now
                publish()
            } else if bytes > 0, clock.now - lastPublish >= publishEvery {
                publish()
            }
            if bytes < DrainThread.quietBytes {
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, idle * 8)
            } else {
                pause = idle
                await Task.yield()
            }
        }
        // Every host stops at once (each waits for its remote to remove its instance), then the rest is read.
        hosts.forEach { $0.requestStop() }
        hosts.forEach { $0.stop() }
        for (k, host) in hosts.enumerated() { _ = absorb(k, host.take()) }
        publish(final: true)
    }
}
