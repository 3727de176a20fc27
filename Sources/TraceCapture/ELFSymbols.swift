import Glibc

/// Finds a function's file offset in an ELF64 binary (what a uprobe needs): `.symtab`, else `.dynsym`,
/// then the virtual address mapped through the PT_LOAD segment that holds it.
///
/// Reads the binary at `path`.
enum ELFSymbols {
    static func fileOffset(of symbol: String, in path: String) -> UInt64? {
        guard let file = try? MappedFile(path: path) else { return nil }
        let b = file.bytes
        guard b.count > 64, b[0] == 0x7F, b[1] == 0x45, b[2] == 0x4C, b[3] == 0x46, b[4] == 2, b[5] == 1 else { return nil }
        func u16(_ o: Int) -> Int { Int(b.loadUnaligned(fromByteOffset: o, as: UInt16.self)) }
        func u32(_ o: Int) -> Int { Int(b.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> Int { Int(truncatingIfNeeded: b.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        let phoff = u64(0x20), shoff = u64(0x28), phentsize = u16(0x36), phnum = u16(0x38)
        let shentsize = u16(0x3A), shnum = u16(0x3C)
        guard shoff > 0, shoff + shnum * shentsize <= b.count else { return nil }
        let wanted = Array(symbol.utf8)
        func name(at o: Int) -> Bool {
            guard o + wanted.count < b.count else { return false }
            for (i, c) in wanted.enumerated() where b[o + i] != c { return false }
            return b[o + wanted.count] == 0
        }
        var address: Int?
        for type in [2, 11] where address == nil {  // SHT_SYMTAB, SHT_DYNSYM
            for s in 0..<shnum {
                let sh = shoff + s * shentsize
                guard u32(sh + 4) == type else { continue }
                let off = u64(sh + 0x18), size = u64(sh + 0x20), link = u32(sh + 0x28), entsize = max(24, u64(sh + 0x38))
                let strOff = u64(shoff + link * shentsize + 0x18)
                guard off + size <= b.count else { continue }
                var e = off
                while e + 24 <= off + size {
                    let value = u64(e + 8)
                    if value != 0, b[e + 4] & 0xF == 2, name(at: strOff + u32(e)) {  // STT_FUNC
                        address = value
                        break
                    }
                    e += entsize
                }
                if address != nil { break }
            }
        }
        guard let address else { return nil }
        for p in 0..<phnum {
            let ph = phoff + p * phentsize
            guard u32(ph) == 1 else { continue }  // PT_LOAD
            let offset = u64(ph + 8), vaddr = u64(ph + 0x10), filesz = u64(ph + 0x20)
            if address >= vaddr, address < vaddr + filesz { return UInt64(address - vaddr + offset) }
        }
        return nil
    }
}
