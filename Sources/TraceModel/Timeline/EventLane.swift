/// One event's times, for a lane of ticks (`╷`) or density blocks (`▁…█`) where several fall in a column.
public struct EventLane: Sendable {
    public let name: String
    public let id: UInt16
    public private(set) var times: [Int64] = []

    init(name: String, id: UInt16) {
        self.name = name
        self.id = id
    }

    mutating func append(_ t: Int64) { times.append(t) }

    /// The events in each of `count` cells of `width` ns from `from`: two binary searches a cell.
    public func counts(from: Int64, width: Int64, count: Int) -> [Int] {
        guard count > 0, width > 0 else { return [] }
        func lower(_ t: Int64) -> Int {
            var lo = 0, hi = times.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if times[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        var out = [Int](repeating: 0, count: count)
        var a = lower(from)
        for k in 0..<count {
            let b = lower(from &+ Int64(k + 1) &* width)
            out[k] = b - a
            a = b
        }
        return out
    }

    /// The most frequent events other than the scheduler's switches and wakeups (drawn by the CPU and task
    /// lanes already): the ids of up to `limit` of them.
    static func chosen(_ store: EventStore, limit: Int) -> [UInt16] {
        guard limit > 0 else { return [] }
        let drawn: Set<String> = ["sched_switch", "sched_waking", "sched_wakeup", "sched_wakeup_new"]
        var ids: [(UInt16, Int)] = []
        for (id, full) in store.eventNames.enumerated() where SpecialEvent.isEvent(UInt16(truncatingIfNeeded: id)) {
            let name = full.split(separator: ":").last.map(String.init) ?? full
            guard !drawn.contains(name), let n = store.summary.byEvent[full], n > 0 else { continue }
            ids.append((UInt16(id), n))
        }
        ids.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return ids.prefix(limit).map(\.0)
    }
}
