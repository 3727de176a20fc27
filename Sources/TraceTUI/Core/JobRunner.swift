import Screen
import Synchronization

/// Runs the app's jobs on detached tasks and keeps their results until the run loop takes them. Each key has
/// a generation: starting a job cancels the one running under its key, and a result (or progress report)
/// of an older generation is dropped, so a slow answer to an old question never overwrites a newer one.
public final class JobRunner: Sendable {
    private struct Running: Sendable {
        var generation: Int
        var task: Task<Void, Never>?
    }

    private struct State: Sendable {
        var running: [String: Running] = [:]
        var generations: [String: Int] = [:]
        /// Finished results and progress reports, in arrival order; progress replaces the key's earlier one.
        var inbox: [(key: String, generation: Int, event: AppEvent, isProgress: Bool)] = []
    }

    private let state = Mutex(State())
    /// Called whenever something lands in the inbox (the terminal's waker).
    private let wake: Waker

    public init(wake: Waker = Waker {}) {
        self.wake = wake
    }

    /// Starts `job`, cancelling the older job of the same key.
    public func start(_ job: Job) {
        let key = job.key
        let generation = state.withLock { s -> Int in
            let g = (s.generations[key] ?? 0) + 1
            s.generations[key] = g
            s.running[key]?.task?.cancel()
            s.running[key] = Running(generation: g, task: nil)
            s.inbox.removeAll { $0.key == key }
            return g
        }
        let control = JobControl { [self] event in deliver(key, generation, event, isProgress: true) }
        let task = Task.detached(priority: .userInitiated) { [self] in
            let event = await job.work(control)
            deliver(key, generation, event, isProgress: false)
        }
        state.withLock { s in
            if s.running[key]?.generation == generation {
                s.running[key]?.task = task
            }
        }
    }

    /// Cancels the job of `key`; its result will be dropped.
    public func cancel(_ key: String) {
        state.withLock { s in
            s.running[key]?.task?.cancel()
            s.running[key] = nil
            s.generations[key, default: 0] += 1
            s.inbox.removeAll { $0.key == key }
        }
    }

    private func deliver(_ key: String, _ generation: Int, _ event: AppEvent, isProgress: Bool) {
        let kept = state.withLock { s -> Bool in
            guard s.generations[key] == generation, s.running[key]?.generation == generation else { return false }
            if isProgress {
                s.inbox.removeAll { $0.key == key && $0.isProgress }
            } else {
                s.running[key] = nil
            }
            s.inbox.append((key, generation, event, isProgress))
            return true
        }
        if kept { wake() }
    }

    /// The results and progress reports that arrived since the last call, oldest first.
    public func take() -> [AppEvent] {
        state.withLock { s in
            defer { s.inbox.removeAll() }
            return s.inbox.map(\.event)
        }
    }

    /// Whether a job of `key` (or any job, for nil) is still running.
    public func isRunning(_ key: String? = nil) -> Bool {
        state.withLock { s in key.map { s.running[$0] != nil } ?? !s.running.isEmpty }
    }

    /// Waits (polling every 5 ms) until no job of `key` (or none at all) runs, or `timeout` passes.
    public func wait(for key: String? = nil, timeout: Duration = .seconds(3600)) async {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while isRunning(key), clock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }
}
