import Synchronization
import TraceModel

/// Samples /proc every interval on its own task and hands each sample to a callback.
///
/// Kept apart from `CaptureSession` so a live capture can own one: `start` with a callback that publishes
/// into its snapshot, `stop` when the capture ends. Ticks are on a fixed grid (start + k·interval), so a slow
/// read does not make the interval drift; a tick missed entirely is skipped, not caught up.
///
/// With `counters`, each sample also carries the perf counters of every CPU (`PerfCounters`, system-wide),
/// read right after /proc, so the panes show them per interval like the /proc rates.
public final class ProcSampler: Sendable {
    public let root: String
    public let interval: Duration
    public let counters: Bool
    /// List the loaded BPF programs and maps with each sample (`BpfReader`: the BPF pane).
    public let bpf: Bool
    /// `--bpf`: the maps whose entries go with each BPF listing (the object's own maps).
    public let bpfValues: [UInt32]
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// `interval` is clamped to at least 100 ms.
    public init(root: String = "/proc", interval: Duration = .seconds(1), counters: Bool = false, bpf: Bool = false,
                bpfValues: [UInt32] = []) {
        self.root = root
        self.interval = max(interval, .milliseconds(100))
        self.counters = counters
        self.bpf = bpf
        self.bpfValues = bpfValues
    }

    deinit { stop() }

    /// Starts sampling at once (the first sample is delivered immediately); a second start restarts.
    public func start(_ deliver: @escaping @Sendable (ProcSample) -> Void) {
        let root = self.root, interval = self.interval, counters = self.counters, bpf = self.bpf
        let bpfValues = self.bpfValues
        let t = Task.detached(priority: .utility) {
            let reader = ProcReader(root: root)
            let bpfReader = bpf ? BpfReader(procRoot: root) : nil
            bpfReader?.valuesOf = bpfValues
            // Not permitted (not root) is said in the panes, not thrown: the /proc panes work anyway.
            var counting: PerfCounters?
            var countingError: String?
            if counters {
                do {
                    counting = try PerfCounters(events: CounterEvent.systemWide, target: .systemWide)
                } catch {
                    countingError = "\(error)"
                }
            }
            let clock = ContinuousClock()
            var next = clock.now
            while !Task.isCancelled {
                var sample = reader.read()
                if counters {
                    sample.counters = counting?.read() ?? CounterReading(events: CounterEvent.systemWide, error: countingError)
                }
                if let bpfReader {
                    // On the sample's clock: the intervals are the /proc ones, as a replay of the sidecar sees them.
                    sample.bpf = bpfReader.read()
                    sample.bpf?.monotonic = sample.monotonic
                }
                deliver(sample)
                next = next.advanced(by: interval)
                let now = clock.now
                while next < now { next = next.advanced(by: interval) }
                do { try await Task.sleep(until: next, clock: clock) } catch { break }
            }
        }
        task.withLock { old in
            old?.cancel()
            old = t
        }
    }

    public func stop() {
        task.withLock { t in
            t?.cancel()
            t = nil
        }
    }

    /// The samples as an async sequence; ending the iteration (or cancelling its task) stops the sampler.
    public func samples() -> AsyncStream<ProcSample> {
        AsyncStream(bufferingPolicy: .bufferingNewest(64)) { continuation in
            start { continuation.yield($0) }
            continuation.onTermination = { [self] _ in stop() }
        }
    }
}
