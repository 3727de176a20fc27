import Glibc
import TraceModel

extension CaptureSession {
    /// Feeds perf_event samples into the store until the task is cancelled: every `drainInterval` (50 ms: the
    /// rings hold seconds of samples, and each wake-up costs a context switch) the rings
    /// are read, the records ordered across CPUs, the samples symbolized into perf script text and parsed
    /// into rows (the same rows `tracetui replay perf.txt` makes). Runs beside `live` on the same actor, or
    /// alone (`standalone`: it then also publishes the live status the viewer's live keys need).
    /// `merge`: beside tracepoints, the samples go to the live loop, which puts them in the store in time order.
    public func sample(_ text: SampleText, keep: Int, maxBytes: Int = 1 << 30, standalone: Bool,
                       drainInterval: Duration = .milliseconds(50), merge: LiveSampleMerge? = nil) async {
        let parser = PerfScriptParser(keepRows: true)
        var status = SamplingStatus(event: text.sampler.options.event.name, frequency: text.sampler.options.frequency)
        status.standalone = standalone
        var live = LiveStatus()
        let clock = ContinuousClock()
        var windowStart = clock.now
        var windowSamples = 0
        snapshots.publish {
            $0.sampling = status
            if standalone {
                $0.live = live
                $0.progress = LoadProgress(finished: true)
            }
        }
        func absorb(_ bytes: [UInt8]) -> Bool {
            guard !bytes.isEmpty else { return false }
            let block = SampleTextBlock(bytes)
            store.append(parser.parse(block, range: 0..<bytes.count))
            if store.count > keep || store.retainedBytes > maxBytes { store.evictOldest(keeping: keep, maxBytes: maxBytes) }
            return true
        }
        func publish() {
            status.samples = text.samplesWritten
            status.lost = text.sampler.lost
            live.events = text.samplesWritten
            live.missed = text.sampler.lost
            live.evicted = store.evictedRows
            let snapshot = store
            let s = status, l = live
            snapshots.publish {
                $0.store = snapshot
                $0.sampling = s
                if standalone { $0.live = l }
            }
        }
        func drain(final: Bool = false) -> [UInt8] {
            guard let merge else { return text.drain(final: final) }
            merge.addSamples(text.drainTimed(final: final))
            return []
        }
        text.sampler.enable()
        while !Task.isCancelled {
            let added = absorb(drain())
            let elapsed = clock.now - windowStart
            let statsDue = elapsed >= .milliseconds(500)
            if statsDue {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                status.samplesPerSecond = Double(text.samplesWritten - windowSamples) / seconds
                live.eventsPerSecond = status.samplesPerSecond
                windowSamples = text.samplesWritten
                windowStart = clock.now
            }
            if added || statsDue { publish() }
            try? await Task.sleep(for: drainInterval)
        }
        _ = absorb(drain(final: true))
        if let merge, merge.finish() {
            // The tracepoints ended first: what the merge holds goes in here, in order.
            let lines = PieceParser(tracer: nil, keepRows: true)
            for item in merge.take(final: true) {
                switch item {
                case .text(let r):
                    store.append(r.decoded.map { lines.parse(r.block, range: r.range, decoded: $0) }
                        ?? lines.parse(r.block, range: r.range))
                case .samples(let piece): store.append(piece)
                }
            }
        }
        text.sampler.close()
        status.running = false
        live.running = false
        publish()
    }
}
