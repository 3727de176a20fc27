import CElf
import Glibc

/// The function symbols of one ELF file (`.symtab`, else `.dynsym`) and its loadable segments, read with
/// elfutils' libelf, to name the user-space frames of samples.
///
/// Reads the file at `path`.
public final class ELFSymbolTable: @unchecked Sendable {
    // Unchecked: names are read lazily through libelf by the one symbolizer that owns the table.
    public private(set) var buildID: [UInt8] = []
    private var starts: [UInt64] = []
    private var sizes: [UInt64] = []
    /// Where each name is: the string table's section and the offset in it (read when looked up, so a
    /// binary with a million symbols costs no strings until its frames are named).
    private var nameSection: [UInt32] = []
    private var nameOffset: [UInt32] = []
    private var fd: Int32 = -1
    private var elf: OpaquePointer?
    /// PT_LOAD segments: file offset, virtual address, size in the file.
    private var segments: [(offset: UInt64, vaddr: UInt64, size: UInt64)] = []

    private static let ready: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

    public init?(path: String) {
        guard Self.ready else { return nil }
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
            close(fd)
            return nil
        }
        self.elf = elf
        guard elf_kind(elf) == ELF_K_ELF else { return nil }
        var phnum = 0
        if elf_getphdrnum(elf, &phnum) == 0 {
            for i in 0..<phnum {
                var ph = GElf_Phdr()
                guard gelf_getphdr(elf, Int32(i), &ph) != nil, ph.p_type == UInt32(PT_LOAD) else { continue }
                segments.append((ph.p_offset, ph.p_vaddr, max(ph.p_filesz, ph.p_memsz)))
            }
        }
        // (address, size, string table, name offset, name length)
        typealias Entry = (UInt64, UInt64, UInt32, UInt32, Int)
        var symtab: [Entry] = []
        var dynsym: [Entry] = []
        var scn: OpaquePointer? = elf_nextscn(elf, nil)
        while let s = scn {
            defer { scn = elf_nextscn(elf, s) }
            var sh = GElf_Shdr()
            guard gelf_getshdr(s, &sh) != nil else { continue }
            if sh.sh_type == UInt32(SHT_NOTE), buildID.isEmpty, let data = elf_getdata(s, nil) {
                var offset = 0
                while true {
                    var nh = GElf_Nhdr()
                    var nameOff = 0, descOff = 0
                    let next = gelf_getnote(data, offset, &nh, &nameOff, &descOff)
                    if next == 0 { break }
                    if nh.n_type == UInt32(NT_GNU_BUILD_ID), nh.n_namesz == 4, let d = data.pointee.d_buf {
                        let p = d.assumingMemoryBound(to: UInt8.self)
                        buildID = Array(UnsafeBufferPointer(start: p + descOff, count: Int(nh.n_descsz)))
                    }
                    offset = next
                }
            }
            Self.forEachFunction(in: s, header: sh, of: elf) { sym, name in
                let entry: Entry = (sym.st_value, sym.st_size, sh.sh_link, sym.st_name, strlen(name))
                if sh.sh_type == UInt32(SHT_SYMTAB) { symtab.append(entry) } else { dynsym.append(entry) }
            }
        }
        var all = symtab.isEmpty ? dynsym : symtab
        // One entry per address: the sized one, then the shortest name (aliases such as `__libc_malloc`/`malloc`).
        all.sort { $0.0 != $1.0 ? $0.0 < $1.0 : ($0.1 != $1.1 ? $0.1 > $1.1 : $0.4 < $1.4) }
        var last: UInt64?
        starts.reserveCapacity(all.count)
        for (a, size, section, offset, _) in all where a != last {
            starts.append(a)
            sizes.append(size)
            nameSection.append(section)
            nameOffset.append(offset)
            last = a
        }
    }

    deinit {
        if let elf { elf_end(elf) }
        if fd >= 0 { close(fd) }
    }

    /// Names made (and demangled) once: the hot frames repeat.
    private var names: [Int: String] = [:]

    private func name(_ i: Int) -> String {
        if let n = names[i] { return n }
        let n = Demangler.readable(rawName(i))
        names[i] = n
        return n
    }

    private func rawName(_ i: Int) -> String {
        guard let p = elf_strptr(elf, Int(nameSection[i]), Int(nameOffset[i])) else { return "[unknown]" }
        return String(cString: p)
    }

    public var symbolCount: Int { starts.count }

    /// The virtual address a file offset is loaded at (through the PT_LOAD segment holding it).
    public func virtualAddress(fileOffset: UInt64) -> UInt64? {
        for s in segments where fileOffset >= s.offset && fileOffset < s.offset + s.size {
            return fileOffset - s.offset + s.vaddr
        }
        return nil
    }

    /// The file offset a virtual address is loaded from (the inverse of `virtualAddress`).
    public func fileOffset(virtualAddress v: UInt64) -> UInt64? {
        for s in segments where v >= s.vaddr && v < s.vaddr + s.size { return v - s.vaddr + s.offset }
        return nil
    }

    /// The function at a virtual address (the nearest start at or before it, within its size when it has
    /// one), and the offset into it.
    public func lookup(virtualAddress v: UInt64) -> (name: String, offset: UInt64)? {
        let found: Int? = starts.withUnsafeBufferPointer { st in
            var lo = 0, hi = st.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if st[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            return lo > 0 ? lo - 1 : nil
        }
        guard let i = found else { return nil }
        let offset = v - starts[i]
        if sizes[i] > 0, offset >= sizes[i] { return nil }
        return (name(i), offset)
    }

    /// The address of a function by name, aliases included (`.symtab`, else `.dynsym`).
    public func address(of wanted: String) -> UInt64? {
        guard let elf else { return nil }
        var found: [UInt32: UInt64] = [:]
        var scn: OpaquePointer? = elf_nextscn(elf, nil)
        while let s = scn {
            defer { scn = elf_nextscn(elf, s) }
            var sh = GElf_Shdr()
            guard gelf_getshdr(s, &sh) != nil else { continue }
            Self.forEachFunction(in: s, header: sh, of: elf) { sym, name in
                if found[sh.sh_type] == nil, strcmp(name, wanted) == 0 { found[sh.sh_type] = sym.st_value }
            }
        }
        return found[UInt32(SHT_SYMTAB)] ?? found[UInt32(SHT_DYNSYM)]
    }

    /// Where a uprobe on `function` goes: its file offset in the ELF file at `path`.
    public static func fileOffset(ofFunction function: String, in path: String) -> UInt64? {
        guard let table = ELFSymbolTable(path: path), let address = table.address(of: function) else { return nil }
        return table.fileOffset(virtualAddress: address)
    }

    /// The defined functions of a `.symtab` or `.dynsym` section (other sections have none), with their names.
    private static func forEachFunction(in section: OpaquePointer, header sh: GElf_Shdr, of elf: OpaquePointer,
                                        _ body: (GElf_Sym, UnsafeMutablePointer<CChar>) -> Void) {
        guard sh.sh_type == UInt32(SHT_SYMTAB) || sh.sh_type == UInt32(SHT_DYNSYM), sh.sh_entsize > 0,
              let data = elf_getdata(section, nil) else { return }
        for i in 0..<Int(sh.sh_size / sh.sh_entsize) {
            var sym = GElf_Sym()
            guard gelf_getsym(data, Int32(i), &sym) != nil else { continue }
            let type = tt_elf_st_type(sym.st_info)
            guard type == UInt8(STT_FUNC) || type == UInt8(STT_GNU_IFUNC), sym.st_shndx != UInt16(SHN_UNDEF),
                  sym.st_value != 0, let name = elf_strptr(elf, Int(sh.sh_link), Int(sym.st_name)) else { continue }
            body(sym, name)
        }
    }
}
