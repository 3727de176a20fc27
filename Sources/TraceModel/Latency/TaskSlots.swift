/// Dense slots for thread ids: a flat table indexed by pid (pids are small), grown on demand.
struct TaskSlots {
    private var slotOfPID: [Int32] = []
    private(set) var pids: [Int32] = []

    var count: Int { pids.count }

    /// The slot of `pid`, made when new (`isNew` tells).
    @inline(__always)
    mutating func slot(_ pid: Int32, isNew: inout Bool) -> Int {
        let p = Int(pid)
        isNew = false
        if p >= 0, p < slotOfPID.count {
            let s = slotOfPID[p]
            if s >= 0 { return Int(s) }
        }
        return make(pid, isNew: &isNew)
    }

    /// The slot of `pid`, or nil when never seen.
    @inline(__always)
    func existing(_ pid: Int32) -> Int? {
        let p = Int(pid)
        guard p >= 0, p < slotOfPID.count, slotOfPID[p] >= 0 else { return nil }
        return Int(slotOfPID[p])
    }

    /// Takes the next slot for a task kept elsewhere (another host's, `TimelineBuilder`), so that the numbering
    /// stays one.
    mutating func skip() { pids.append(-1) }

    private mutating func make(_ pid: Int32, isNew: inout Bool) -> Int {
        let p = Int(pid)
        // Negative or absurd ids (a corrupt line) share the last-resort slot of pid -1.
        let key = p >= 0 && p < (1 << 23) ? p : 0
        if key >= slotOfPID.count {
            slotOfPID += [Int32](repeating: -1, count: Swift.max(key + 1 - slotOfPID.count, slotOfPID.count))
        }
        if p != key, slotOfPID[key] >= 0 { return Int(slotOfPID[key]) }
        slotOfPID[key] = Int32(pids.count)
        pids.append(pid)
        isNew = true
        return pids.count - 1
    }
}
