import Glibc
import TraceModel

extension CaptureSession {
    /// Streams several hosts' captures into one store until the task is cancelled: each host's text is parsed,
    /// tagged with its host id, moved onto the viewer's clock by its offset and merged by time with the other
    /// hosts' rows (`HostMerge`, held back up to `holdBound`); a lost connection leaves a gap row on its host,
    /// after its last line (`HostStream`). Then stops every host (each remote removes its instance) and
    /// publishes the rest.
    /// How long a host's rows wait at most for the other hosts to report past their time before they go into the
    /// store anyway (a host that stays quiet, or that is that far behind, does not hold the others back).
    public static let holdBound = Duration.milliseconds(250)

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
        var dropped = [Int](repeating: 0, count: hosts.count)
        var hostRows = [Int](repeating: 0, count: hosts.count)
        var merge = HostMerge()
        // What arrived when (the latest time of each take): a row waits at most `holdBound` for the others.
        var arrivals: [(at: ContinuousClock.Instant, latest: Int64)] = []
        var callsCame = false
        // Each host's /proc samples (the system panes of that host), published when one came.
        var systems = hosts.map { _ in ProcHistory(limit: 3600) }
        var systemsChanged = false
        var unreadable = [Int](repeating: 0, count: hosts.count)
        func absorb(_ k: Int, _ batch: HostBatch) -> Int {
            if !batch.samples.isEmpty {
                systems[k].pageSize = batch.pageSize
                for var s in batch.samples {
                    s.monotonic &-= batch.offset
                    if s.bpf != nil { s.bpf?.monotonic = s.monotonic }
                    systems[k].append(s)
                }
                systemsChanged = true
            }
            // Text and gaps in the host's order: a dropped connection's gap comes after its last line.
            let intake = Self.absorb(batch, host: ids[k], feed: feed, merge: &merge, store: &store)
            if intake.calls { callsCame = true }
            rows += intake.rows
            hostRows[k] += intake.rows
            if let latest = intake.latest { arrivals.append((clock.now, latest)) }
            dropped[k] = batch.dropped
            unreadable[k] = max(unreadable[k], batch.unreadableSamples)
            return intake.bytes
        }
        // Rows go into the store in one time order: up to the time every running host has reported past, and
        // whatever waited longer than the bound (a quiet or slow host does not hold the others back for long).
        func release(all: Bool = false) {
            guard merge.pendingRows > 0 else { return }
            var limit = Int64.max
            if !all {
                // A host connecting again is waited for too: its first rows may be older than the others' latest.
                for k in hosts.indices where [.running, .connecting].contains(hosts[k].status.state) {
                    limit = min(limit, merge.latest(ofHost: ids[k]) ?? .min)
                }
                let due = clock.now - Self.holdBound
                while let a = arrivals.first, a.at <= due {
                    limit = limit == .max ? a.latest : max(limit, a.latest)
                    arrivals.removeFirst()
                }
            }
            let added = merge.release(through: limit, into: &store)
            feed.appended(added, calls: callsCame, to: &store)
        }
        func publish(final: Bool = false) {
            status.events = rows
            status.missed = Int(store.summary.lostInLines) + dropped.reduce(0, +)
            status.evicted = store.evictedRows
            status.lateRows = merge.lateRows
            status.hosts = hosts.indices.map { k in
                var h = hosts[k].status
                h.rows = hostRows[k]
                h.unreadableSamples = unreadable[k]
                return h
            }
            if final { status.running = false }
            let snapshot = store
            let current = status
            let tree = final ? feed.finalCallTree(store) : feed.callTreeIfDue(store)
            let hostSystems = systemsChanged
                ? Dictionary(hosts.indices.map { (hosts[$0].name, systems[$0]) }, uniquingKeysWith: { a, _ in a }) : nil
            systemsChanged = false
            snapshots.publish {
                $0.store = snapshot
                $0.live = current
                if let hostSystems { $0.hostSystems = hostSystems }
                if let tree { $0.callTree = tree }
            }
            lastPublish = clock.now
        }
        var pause = idle
        while !Task.isCancelled {
            var bytes = 0
            for (k, host) in hosts.enumerated() { bytes += absorb(k, host.take()) }
            release()
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
        release(all: true)
        status.lateRows = merge.lateRows
        publish(final: true)
    }
}
