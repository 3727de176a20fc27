/// Jobs run in place, for tests and the benchmark, which have no run loop.
extension TraceApp {
    /// Runs the jobs among `effects` here, one after another, and hands each result back (running the jobs
    /// that asks for too) until none is left; returns the effects that are not jobs, in order.
    @discardableResult
    public mutating func settle(_ effects: [Effect]) async -> [Effect] {
        var queue = effects
        var rest: [Effect] = []
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            guard case .run(let job) = effect else {
                rest.append(effect)
                continue
            }
            queue += handle(await job.work(JobControl { _ in }))
        }
        return rest
    }
}
