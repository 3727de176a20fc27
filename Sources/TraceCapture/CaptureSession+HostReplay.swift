import TraceModel

extension CaptureSession {
    /// Opens a recording from several hosts (`HostIndex`): each host's file is parsed, its rows tagged with the
    /// host and moved onto one clock by the host's offset, then all hosts' rows go into the store in one time
    /// order (`HostMerge`; each host's own order kept).
    public func replay(hosts index: HostIndex, inputs: [TraceInput]) async {
        let started = ContinuousClock.now
        let total = inputs.reduce(0) { $0 + $1.byteCount }
        var before = 0
        var failures: [String] = []
        var merge = HostMerge()
        for (entry, input) in zip(index.entries, inputs) {
            let id = store.hostID(named: entry.host)
            do {
                try await input.parse(keepRows: true) { piece, done in
                    var p = piece
                    p.host = id
                    p.shiftTimes(by: entry.offset)
                    merge.add(p, into: &store)
                    let progress = LoadProgress(bytesDone: before + done, bytesTotal: total,
                                                seconds: Self.elapsedSeconds(since: started))
                    snapshots.publish { $0.progress = progress }
                }
            } catch {
                failures.append("\(entry.host): \(error.description)")
            }
            before += input.byteCount
        }
        merge.releaseAll(into: &store)
        // Each host's /proc samples, where `record --host` kept them (HOST.txt.proc), on the common clock.
        var systems: [String: ProcHistory] = [:]
        for entry in index.entries {
            guard let h = ProcSidecarFile.load(forTrace: index.path(of: entry)) else { continue }
            systems[entry.host] = ProcHistory(h.samples.map { s in
                var s = s
                s.monotonic &-= entry.offset
                if s.bpf != nil { s.bpf?.monotonic = s.monotonic }
                return s
            }, pageSize: h.pageSize)
        }
        let snapshot = store
        let tree = CallTree.hasCalls(snapshot) ? CallTree(store: snapshot) : nil
        let seconds = Self.elapsedSeconds(since: started)
        snapshots.publish {
            $0.store = snapshot
            $0.callTree = tree
            $0.hostSystems = systems
            if !failures.isEmpty { $0.error = failures.joined(separator: "; ") }
            $0.progress = LoadProgress(bytesDone: total, bytesTotal: total, seconds: seconds, finished: true)
        }
    }

    static func elapsedSeconds(since started: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
