import CBpf
import Glibc
import TraceModel

/// What the BPF pane and the stream learn from the loaded object itself: its maps' ids (their entries are read
/// live) and the format strings each program hands `bpf_trace_printk` (its printk lines are named after it).
extension BpfObjectSession {
    /// The ids of the object's maps but its read-only data (`.rodata…`, `.kconfig`: constants, not state).
    public var mapIDs: [UInt32] {
        guard let obj = object else { return [] }
        var ids: [UInt32] = []
        var m = bpf_object__next_map(obj, nil)
        while let map = m {
            let name = String(cString: bpf_map__name(map))
            // libbpf names them after the object (`hist.rodata`): the section is what matters.
            if !name.contains(".rodata"), !name.contains(".kconfig") {
                var info = bpf_map_info()
                var len = UInt32(MemoryLayout<bpf_map_info>.size)
                if bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len) == 0 { ids.append(info.id) }
            }
            m = bpf_object__next_map(obj, map)
        }
        return ids
    }

    /// Each program's `bpf_printk` format strings, found in its instructions as libbpf loaded them: a 64-bit load
    /// of a map value's address (`BPF_PSEUDO_MAP_VALUE`, the map's fd and an offset) into r1, followed by a call of
    /// helper 6 (`bpf_trace_printk`) or 177 (`bpf_trace_vprintk`) before r1 is loaded again; the string is the
    /// NUL-terminated text at that offset of the map's data (`.rodata`).
    public var printkFormats: [PrintkNamer.Format] {
        guard let obj = object else { return [] }
        var out: [PrintkNamer.Format] = []
        var p = bpf_object__next_program(obj, nil)
        while let prog = p {
            let name = String(cString: bpf_program__name(prog))
            if let insns = bpf_program__insns(prog) {
                let count = Int(bpf_program__insn_cnt(prog))
                var pending: String?
                var i = 0
                while i < count {
                    let insn = insns[i]
                    if insn.code == 0x18, i + 1 < count { // BPF_LD | BPF_IMM | BPF_DW: two slots
                        if insn.dst_reg == 1 {
                            pending = insn.src_reg == 2 ? Self.string(obj, fd: insn.imm, offset: Int(insns[i + 1].imm)) : nil
                        }
                        i += 2
                        continue
                    }
                    if insn.code == 0x85, insn.src_reg == 0, insn.imm == 6 || insn.imm == 177 {
                        if let f = pending { out.append(.init(program: name, format: f)) }
                        pending = nil
                    } else if insn.dst_reg == 1, insn.code & 0x07 != 0x03, insn.code & 0x07 != 0x05 {
                        // Anything else writing r1 (not a store, not a jump) ends the pairing.
                        pending = nil
                    }
                    i += 1
                }
            }
            p = bpf_object__next_program(obj, prog)
        }
        return out
    }

    private static func string(_ obj: OpaquePointer, fd: Int32, offset: Int) -> String? {
        var m = bpf_object__next_map(obj, nil)
        while let map = m {
            if bpf_map__fd(map) == fd {
                var size = 0
                guard let data = bpf_map__initial_value(map, &size), offset >= 0, offset < size else { return nil }
                let bytes = UnsafeRawBufferPointer(start: data + offset, count: size - offset)
                return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            m = bpf_object__next_map(obj, map)
        }
        return nil
    }
}
