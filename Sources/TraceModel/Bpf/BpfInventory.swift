/// The BPF programs and maps loaded at one instant, in id order.
public struct BpfInventory: Sendable, Equatable {
    /// CLOCK_MONOTONIC in ns when it was read (the /proc sample's clock).
    public var monotonic: Int64
    public var programs: [BpfProgram]
    public var maps: [BpfMap]
    /// `kernel.bpf_stats_enabled` when read (nil: unknown). Off, run counts and times stand still.
    public var statsEnabled: Bool?
    /// Why nothing could be listed (not root, a kernel without BPF); nil when the listing worked.
    public var error: String?
    /// `--bpf`: the entries of the object's maps, read with the inventory (`BpfReader.valuesOf`).
    public var values: [BpfMapValues] = []

    public init(monotonic: Int64 = 0, programs: [BpfProgram] = [], maps: [BpfMap] = [], statsEnabled: Bool? = nil,
                error: String? = nil) {
        self.monotonic = monotonic
        self.programs = programs
        self.maps = maps
        self.statsEnabled = statsEnabled
        self.error = error
    }

    /// The program with this id, by binary search (programs are kept in id order).
    public func program(id: UInt32) -> BpfProgram? {
        var lo = 0, hi = programs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if programs[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < programs.count && programs[lo].id == id ? programs[lo] : nil
    }

    public func map(id: UInt32) -> BpfMap? { maps.first { $0.id == id } }
}
