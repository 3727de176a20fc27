/// A UInt64 → dense id map by open addressing: the aggregation loops look up one key per frame, where a
/// `Dictionary` of a struct key cost several times more.
struct IDTable {
    private var keys: [UInt64]
    private var ids: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        ids = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    /// The id of `key`, assigning the next one (`count`) when new; `isNew` says which.
    @inline(__always)
    mutating func id(_ key: UInt64, isNew: inout Bool) -> Int32 {
        var s = Self.slot(key, mask)
        while true {
            let id = ids[s]
            if id < 0 { break }
            if keys[s] == key {
                isNew = false
                return id
            }
            s = (s + 1) & mask
        }
        let id = Int32(count)
        keys[s] = key
        ids[s] = id
        count += 1
        isNew = true
        if count * 2 > ids.count { grow() }
        return id
    }

    private mutating func grow() {
        let oldKeys = keys, oldIDs = ids
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        ids = [Int32](repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        for i in 0..<oldKeys.count where oldIDs[i] >= 0 {
            var s = Self.slot(oldKeys[i], mask)
            while ids[s] >= 0 { s = (s + 1) & mask }
            keys[s] = oldKeys[i]
            ids[s] = oldIDs[i]
        }
    }
}
