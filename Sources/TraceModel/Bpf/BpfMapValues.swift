/// The entries of one BPF map at an instant (`--bpf`: the object's maps, read each interval with
/// `bpf_map_get_next_key` / `bpf_map_lookup_elem`). Keys and values are the kernel's bytes (little-endian on the
/// machines tracetui runs on); per-CPU maps with 4- or 8-byte values are summed over the CPUs.
public struct BpfMapValues: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: [UInt8]
        public var value: [UInt8]

        public init(key: [UInt8], value: [UInt8]) {
            self.key = key
            self.value = value
        }
    }

    public var mapID: UInt32
    /// In key order as the kernel walks them (an array's index order; a hash's bucket order).
    public var entries: [Entry]
    /// More entries than were read (`limit`): the rows shown are the first ones.
    public var truncated: Bool
    /// Why the entries could not be read, else nil.
    public var error: String?

    /// At most this many entries are read a map each interval.
    public static let limit = 1024

    public init(mapID: UInt32, entries: [Entry] = [], truncated: Bool = false, error: String? = nil) {
        self.mapID = mapID
        self.entries = entries
        self.truncated = truncated
        self.error = error
    }

    /// Bytes as an unsigned little-endian integer when they are 1, 2, 4 or 8 of them, else nil.
    public static func integer(_ bytes: [UInt8]) -> UInt64? {
        guard [1, 2, 4, 8].contains(bytes.count) else { return nil }
        var v: UInt64 = 0
        for (k, b) in bytes.enumerated() { v |= UInt64(b) << (8 * UInt64(k)) }
        return v
    }

    /// A key or value as the pane shows it: a decimal integer when it is one, else hex bytes (`0a 00 ff`).
    public static func text(_ bytes: [UInt8]) -> String {
        if let v = integer(bytes) { return String(v) }
        return bytes.map { b in
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined(separator: " ")
    }
}
