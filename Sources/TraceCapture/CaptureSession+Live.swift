import Glibc
import TraceModel

extension CaptureSession {
    /// Streams an instance's events into the store until the task is cancelled: drains the ring buffers,
    /// parses the new lines, publishes, then sleeps a few milliseconds (a poll per event would wake the
    /// reader for every event and cost more than the events).
    public func live(_ instance: TraceInstance, keep: Int, maxBytes: Int = 1 << 30, pretty: Bool = false, text: Bool = false,
                     drainInterval: Duration = .milliseconds(10)) async {
        let reader: any LiveReader
        do {
            reader = text ? try TextPipeReader(instance: instance) : RawEventReader(instance: instance, pretty: pretty)
        } catch {
            snapshots.publish { $0.error = error.description }
            return
        }
        defer { reader.close() }
        let parser = PieceParser(tracer: nil, keepRows: true)
        var status = LiveStatus()
        status.warnings = instance.warnings
        status.availableEvents = instance.availableEvents()
        status.enabledEvents = instance.enabledEvents()
        let clock = ContinuousClock()
        var windowStart = clock.now
        var windowEvents = 0
        snapshots.publish {
            $0.live = status
            $0.progress = LoadProgress(finished: true)
        }
        func absorb(_ ranges: [RawEventReader.TextRange]) {
            for r in ranges { store.append(parser.parse(r.block, range: r.range)) }
            if store.count > keep || store.retainedBytes > maxBytes { store.evictOldest(keeping: keep, maxBytes: maxBytes) }
        }
        func publish() {
            status.events = reader.events
            status.missed = max(reader.missed, Int(store.summary.lostInLines))
            status.evicted = store.evictedRows
            let snapshot = store
            let current = status
            snapshots.publish {
                $0.store = snapshot
                $0.live = current
            }
        }
        while !Task.isCancelled {
            // Under a heavy load one drain may not end by itself: it hands over what it has every 50 ms.
            let ranges = reader.drain { partial in
                absorb(partial)
                publish()
                return Task.isCancelled
            }
            absorb(ranges)
            let elapsed = clock.now - windowStart
            let statsDue = elapsed >= .milliseconds(500)
            if statsDue {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                status.eventsPerSecond = Double(reader.events - windowEvents) / seconds
                windowEvents = reader.events
                windowStart = clock.now
                let losses = instance.kernelLosses()
                status.kernelOverrun = losses.overrun
                status.kernelDropped = losses.dropped
                status.enabledEvents = instance.enabledEvents()
            }
            if !ranges.isEmpty || statsDue { publish() }
            try? await Task.sleep(for: drainInterval)
        }
        // What is still in the ring buffers when the user stops belongs to the capture.
        absorb(reader.drain { partial in
            absorb(partial)
            return true
        })
        status.running = false
        status.events = reader.events
        status.missed = max(reader.missed, Int(store.summary.lostInLines))
        let losses = instance.kernelLosses()
        status.kernelOverrun = losses.overrun
        status.kernelDropped = losses.dropped
        let snapshot = store
        let final = status
        snapshots.publish {
            $0.store = snapshot
            $0.live = final
        }
    }

    /// Turns events on or off while the capture runs (the event picker).
    public func setEvent(_ spec: String, enabled: Bool, in instance: TraceInstance) -> Bool {
        let done = instance.enable(spec, on: enabled)
        let list = instance.enabledEvents()
        snapshots.publish { $0.live?.enabledEvents = list }
        return done
    }
}
