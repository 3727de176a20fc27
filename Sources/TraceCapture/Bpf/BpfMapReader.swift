import CBpf
import Glibc
import TraceModel

/// Reads a map's entries by id: `bpf_map_get_fd_by_id` once, then each time `bpf_map_get_next_key` from no key to
/// the last and `bpf_map_lookup_elem` for each (what `bpftool map dump` does). Per-CPU maps come back one value a
/// possible CPU, each rounded up to 8 bytes; 4- and 8-byte values are summed, others keep CPU 0's.
public final class BpfMapReader {
    public let map: BpfMap
    private var fd: Int32
    private let perCPU: Bool
    private let cpus: Int

    public init(map: BpfMap) {
        self.map = map
        fd = tt_bpf_map_fd(map.id)
        perCPU = map.type.hasPrefix("percpu") || map.type == "lru_percpu_hash"
        cpus = perCPU ? max(1, Int(libbpf_num_possible_cpus())) : 1
    }

    deinit { if fd >= 0 { close(fd) } }

    public func read() -> BpfMapValues {
        var out = BpfMapValues(mapID: map.id)
        guard fd >= 0 else {
            out.error = "map \(map.id): " + String(cString: strerror(-fd))
            return out
        }
        let keySize = Int(map.keySize), valueSize = Int(map.valueSize)
        let slot = perCPU ? (valueSize + 7) & ~7 : valueSize
        var key = [UInt8](repeating: 0, count: max(1, keySize))
        var next = [UInt8](repeating: 0, count: max(1, keySize))
        var value = [UInt8](repeating: 0, count: max(1, slot * cpus))
        var first = true
        while true {
            let rc = first ? bpf_map_get_next_key(fd, nil, &next) : bpf_map_get_next_key(fd, key, &next)
            first = false
            guard rc == 0 else { break } // ENOENT: the last key
            if out.entries.count == BpfMapValues.limit {
                out.truncated = true
                break
            }
            swap(&key, &next)
            // A key deleted between the two calls is skipped.
            guard bpf_map_lookup_elem(fd, key, &value) == 0 else { continue }
            out.entries.append(.init(key: Array(key.prefix(keySize)), value: combine(value, slot: slot, size: valueSize)))
        }
        return out
    }

    private func combine(_ value: [UInt8], slot: Int, size: Int) -> [UInt8] {
        guard perCPU, size == 4 || size == 8 else { return Array(value.prefix(size)) }
        var sum: UInt64 = 0
        for c in 0..<cpus {
            var v: UInt64 = 0
            for k in 0..<size { v |= UInt64(value[c * slot + k]) << (8 * UInt64(k)) }
            sum &+= v
        }
        return (0..<size).map { UInt8(truncatingIfNeeded: sum >> (8 * UInt64($0))) }
    }
}
