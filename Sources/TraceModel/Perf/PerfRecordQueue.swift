/// Puts the records of every CPU's ring in one time order before they are used.
///
/// Each ring is in order, but an exec's comm and mmap records can sit in another CPU's ring than the
/// samples that need them. A drain reads every ring, then hands out only the records no newer than a cutoff
/// taken before the reading began (every record at or before it has been written by then); the newer ones
/// wait for the next drain, where rings read later may hold older records.
public struct PerfRecordQueue: Sendable {
    private var held: [PerfRecord] = []

    public init() {}

    public var count: Int { held.count }

    public mutating func add(_ records: [PerfRecord]) {
        held.append(contentsOf: records)
    }

    public mutating func add(_ record: PerfRecord) {
        held.append(record)
    }

    /// The records with a time at or before `cutoff`, oldest first (ties keep their arrival order, so a
    /// ring's own order stands); the rest stay.
    public mutating func take(upTo cutoff: UInt64) -> [PerfRecord] {
        guard !held.isEmpty else { return [] }
        var ready: [(Int, PerfRecord)] = []
        var rest: [PerfRecord] = []
        ready.reserveCapacity(held.count)
        for (i, r) in held.enumerated() {
            if r.time <= cutoff { ready.append((i, r)) } else { rest.append(r) }
        }
        held = rest
        ready.sort { $0.1.time != $1.1.time ? $0.1.time < $1.1.time : $0.0 < $1.0 }
        return ready.map(\.1)
    }

    /// Everything, oldest first (the capture is ending).
    public mutating func takeAll() -> [PerfRecord] { take(upTo: .max) }
}
