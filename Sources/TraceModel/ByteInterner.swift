/// Maps byte strings (plus a small integer key, such as a pid) to dense ids, storing each string once.
///
/// Open addressing over FNV-1a hashes; the parsers call it once per line, so it avoids `String` entirely.
struct ByteInterner: Sendable {
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int32] = []
    private(set) var lengths: [Int32] = []
    private(set) var extras: [Int64] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 64)

    var count: Int { starts.count }

    /// Eight bytes a step (names are short; a byte-at-a-time hash was a fifth of parsing time).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, extra: Int64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bitPattern: extra &* 0x9E37_79B9) ^ UInt64(n)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }

    /// The id of (bytes, extra), adding it when new.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, extra: Int64 = 0) -> UInt32 {
        let h = Self.hash(p, n, extra: extra)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[s]
            if id < 0 { break }
            let i = Int(id)
            if hashes[i] == h, extras[i] == extra, Int(lengths[i]) == n, equalBytes(i, p, n) {
                return UInt32(i)
            }
            s = (s + 1) & mask
        }
        let id = starts.count
        starts.append(Int32(arena.count))
        lengths.append(Int32(n))
        extras.append(extra)
        hashes.append(h)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        slots[s] = Int32(id)
        if starts.count * 2 > slots.count { grow() }
        return UInt32(id)
    }

    /// Interns the bytes of a Swift string (for names built from parts).
    mutating func intern(_ s: String, extra: Int64 = 0) -> UInt32 {
        var copy = s
        return copy.withUTF8 { b in
            guard let base = b.baseAddress else {
                var zero: UInt8 = 0
                return intern(&zero, 0, extra: extra)
            }
            return intern(base, b.count, extra: extra)
        }
    }

    @inline(__always)
    private func equalBytes(_ i: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let start = Int(starts[i])
        return arena.withUnsafeBufferPointer { a in
            memcmpBytes(a.baseAddress! + start, p, n)
        }
    }

    private mutating func grow() {
        var newSlots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = newSlots.count - 1
        for i in 0..<hashes.count {
            var s = Int(truncatingIfNeeded: hashes[i]) & mask
            while newSlots[s] >= 0 { s = (s + 1) & mask }
            newSlots[s] = Int32(i)
        }
        slots = newSlots
    }

    func bytes(of id: UInt32) -> ArraySlice<UInt8> {
        let s = Int(starts[Int(id)])
        return arena[s..<(s + Int(lengths[Int(id)]))]
    }

    func string(of id: UInt32) -> String {
        String(decoding: bytes(of: id), as: UTF8.self)
    }

    func extra(of id: UInt32) -> Int64 { extras[Int(id)] }
}
