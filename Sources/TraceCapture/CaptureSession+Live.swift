import Glibc
import TraceModel

extension CaptureSession {
    /// Streams an instance's events into the store until the task is cancelled: drains the ring buffers,
    /// parses the new lines, publishes, then sleeps a few milliseconds (a poll per event would wake the
    /// reader for every event and cost more than the events).
    /// `printk`: the tracefs root whose top-level trace_pipe is read too (`PrintkReader`); `printkNames` names the
    /// `--bpf` object's programs' lines.
    /// `merge`: samples taken beside the tracepoints (`sample(…, merge:)`) go into the store in time order.
    /// `typedCapture`: when the reader starts keeping the latency passes' typed values (nil: from the start).
    public func live(_ instance: TraceInstance, keep: Int, maxBytes: Int = 1 << 30, pretty: Bool = false, text: Bool = false,
                     printk: String? = nil, printkNames: PrintkNamer? = nil,
                     drainInterval: Duration = .milliseconds(10), publishEvery: Duration = .milliseconds(33),
                     merge: LiveSampleMerge? = nil, typedCapture: LatencyCaptureSwitch? = nil) async {
        var reader: any LiveReader
        do {
            reader = text ? try TextPipeReader(instance: instance)
                : RawEventReader(instance: instance, pretty: pretty, keepRecords: merge == nil && printk == nil,
                                 typedCapture: typedCapture)
            if let printk { reader = try PrintkReader(wrapping: reader, tracefs: printk, namer: printkNames) }
        } catch {
            snapshots.publish { $0.error = error.description }
            _ = merge?.finish()
            return
        }
        defer { reader.close() }
        // The reader drains on a thread of its own; this task parses what it queued, appends and publishes.
        await live(from: DrainThread(reader: reader, interval: drainInterval), instance: instance, keep: keep,
                   maxBytes: maxBytes, notes: printk == nil ? [] : [PrintkReader.statusNote], idle: drainInterval,
                   publishEvery: publishEvery, merge: merge)
    }

    /// The capture loop over any source of live text (the kernel's, or a test's): parses what the source
    /// queued, appends it, grows the call tree, publishes (at most every `publishEvery`: the viewer draws no
    /// faster, and each publish wakes it); `instance` supplies the kernel's loss counts.
    public func live(from source: any LiveTextSource, instance: TraceInstance?, keep: Int, maxBytes: Int = 1 << 30,
                     notes: [String] = [],
                     idle: Duration = .milliseconds(10), publishEvery: Duration = .milliseconds(33),
                     merge: LiveSampleMerge? = nil) async {
        var status = LiveStatus()
        status.warnings = notes + (instance?.warnings ?? [])
        status.availableEvents = instance?.availableEvents() ?? []
        status.enabledEvents = instance?.enabledEvents() ?? []
        snapshots.publish {
            $0.live = status
            $0.progress = LoadProgress(finished: true)
        }
        let drain = source
        drain.start()
        var feed = LiveFeed(keep: keep, maxBytes: maxBytes)
        let clock = ContinuousClock()
        var windowStart = clock.now
        var windowEvents = 0
        var lastPublish = clock.now
        var events = 0, missed = 0
        var unpublished = false
        var pause = idle
        func publish() {
            unpublished = false
            status.events = events
            status.missed = max(missed, Int(store.summary.lostInLines))
            status.evicted = store.evictedRows
            let snapshot = store
            let current = status
            let tree = feed.callTreeIfDue(store)
            snapshots.publish {
                $0.store = snapshot
                $0.live = current
                if let tree { $0.callTree = tree }
            }
            lastPublish = clock.now
        }
        /// Into the store, through the merge with the samples when there is one.
        func absorb(_ r: RawEventReader.TextRange) {
            guard let merge else { return feed.absorb(r, into: &store) }
            merge.add(r)
            absorbMerged(final: false)
        }
        func absorbMerged(final: Bool) {
            guard let merge else { return }
            for item in merge.take(final: final) {
                switch item {
                case .text(let r): feed.absorb(r, into: &store)
                case .samples(let piece): feed.absorb(piece, into: &store)
                }
            }
        }
        var leftover: [RawEventReader.TextRange] = []
        while !Task.isCancelled {
            drain.prepare()
            let batch = drain.take()
            events = batch.events
            missed = batch.missed
            // Parsed range by range, published at most at the UI's frame rate: the UI takes the newest snapshot.
            // A stop leaves the rest of a large batch (a parse behind the reader) to the bounded last phase.
            for r in batch.ranges {
                if Task.isCancelled {
                    leftover.append(r)
                    continue
                }
                absorb(r)
                unpublished = true
                if clock.now - lastPublish >= publishEvery { publish() }
            }
            if let merge {
                // Samples wait for the tracepoints to be read past them, even when no new text came.
                if !Task.isCancelled, batch.caughtUp > 0 { merge.textCaughtUp(to: batch.caughtUp) }
                absorbMerged(final: false)
                unpublished = true
            }
            let elapsed = clock.now - windowStart
            let statsDue = elapsed >= .milliseconds(500)
            if statsDue {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                status.eventsPerSecond = Double(events - windowEvents) / seconds
                windowEvents = events
                windowStart = clock.now
                if let instance {
                    let losses = instance.kernelLosses()
                    status.kernelOverrun = losses.overrun
                    status.kernelDropped = losses.dropped
                    status.enabledEvents = instance.enabledEvents()
                }
            }
            // What came in is shown once the interval since the last publish is up: each publish wakes the viewer.
            if statsDue || (unpublished && clock.now - lastPublish >= publishEvery) { publish() }
            // Little or nothing queued: wait longer each time (up to 8 ticks, as the reader does), so a quiet
            // machine is not polled; a large batch means a busy one, read again at once.
            if batch.ranges.reduce(0, { $0 + $1.range.count }) < DrainThread.quietBytes {
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, idle * 8)
            } else {
                pause = idle
                await Task.yield()
            }
        }
        // The capture ends when the user stops it: nothing more is recorded (a parse still catching up must not
        // let the buffers overflow meanwhile), and the thread's last pass reads what they still hold.
        instance?.stopTracing()
        drain.stop()
        // Quitting waits at most 2 s for a parse behind the reader; lines it leaves are said as lost.
        let deadline = clock.now + .seconds(2)
        var finished = false
        var dropped = 0
        while !finished {
            let batch = drain.take()
            events = batch.events
            missed = batch.missed
            leftover += batch.ranges
            finished = batch.finished
            for r in leftover {
                if clock.now < deadline {
                    absorb(r)
                } else {
                    dropped += r.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                }
            }
            leftover.removeAll()
            if !finished {
                if clock.now >= deadline + .seconds(3) { break }
                usleep(2_000)
            }
        }
        // The last of the two sources to end puts in what the merge still holds (the sampling task, if it is later).
        if merge?.finish() == true { absorbMerged(final: true) }
        status.running = false
        status.events = events
        status.missed = max(missed, Int(store.summary.lostInLines)) + dropped
        if let losses = instance?.kernelLosses() {
            status.kernelOverrun = losses.overrun
            status.kernelDropped = losses.dropped
        }
        let snapshot = store
        let final = status
        let tree = feed.finalCallTree(store)
        snapshots.publish {
            $0.store = snapshot
            $0.live = final
            if let tree { $0.callTree = tree }
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
