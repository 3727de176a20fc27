import CElf
import Foundation
import TraceModel

/// Where a kernel function's instructions come from, as perf annotate looks for them: a vmlinux with symbols
/// (objdump disassembles it by name), else the running kernel's memory in `/proc/kcore` at the address
/// `/proc/kallsyms` gives, up to the next symbol. Either way it is the kernel of this machine and boot (a recording
/// from elsewhere needs `--vmlinux` with its image), as with perf.
public enum KernelImage {
    public struct Sources: Sendable {
        public var vmlinux: String?
        public var kcore = "/proc/kcore"
        public var kallsyms = "/proc/kallsyms"

        public init(vmlinux: String? = nil, kcore: String = "/proc/kcore", kallsyms: String = "/proc/kallsyms") {
            self.vmlinux = vmlinux
            self.kcore = kcore
            self.kallsyms = kallsyms
        }
    }

    /// The places perf looks for the running kernel's image with symbols.
    static func vmlinuxCandidates() -> [String] {
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return ["/usr/lib/debug/boot/vmlinux-\(release)", "/boot/vmlinux-\(release)",
                "/usr/lib/debug/lib/modules/\(release)/vmlinux", "/lib/modules/\(release)/build/vmlinux"]
    }

    /// objdump's text for the kernel function `symbol`, with the `ADDRESS <symbol>:` header the disassembly
    /// reader expects; an error that names every place looked at when there is none.
    public static func disassemble(_ symbol: String, _ sources: Sources = Sources(),
                                   objdump: String? = nil) throws(CaptureError) -> String {
        let images = sources.vmlinux.map { [$0] } ?? vmlinuxCandidates()
        if let image = images.first(where: { access($0, R_OK) == 0 }) {
            return try Disassembler.disassemble(image, symbol: symbol, objdump: objdump)
        }
        guard access(sources.kcore, R_OK) == 0 else {
            let why = access(sources.kcore, F_OK) == 0 ? "is not readable (run as root)"
                : "does not exist (a kernel built without CONFIG_PROC_KCORE)"
            throw CaptureError("\(symbol) is kernel code: no vmlinux (looked at \(images.joined(separator: ", "))) "
                               + "and \(sources.kcore) \(why); give one with --vmlinux")
        }
        let kernel = Kallsyms(path: sources.kallsyms)
        guard let k = kernel.indexByName()[symbol] else {
            throw CaptureError("\(symbol) is not in \(sources.kallsyms) (addresses read as 0 without root)")
        }
        let start = kernel.address(k)
        let size = Int(min(kernel.size(k) ?? 4096, 1 << 20))
        let bytes = try read(sources.kcore, address: start, count: size)
        var template = Array((NSTemporaryDirectory() + "/tracetui-kcore-XXXXXX").utf8CString)
        let out = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard out >= 0 else { throw CaptureError("cannot make a temporary file: \(String(cString: strerror(errno)))") }
        let raw = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(raw) }
        let written = bytes.withUnsafeBytes { write(out, $0.baseAddress, $0.count) }
        close(out)
        guard written == bytes.count else { throw CaptureError("cannot write \(raw)") }
        let hex = String(start, radix: 16)
        let text = try Disassembler.run(["-D", "-b", "binary", "-m", "i386:x86-64", "--no-show-raw-insn",
                                         "--adjust-vma=0x" + hex, raw], objdump: objdump, reading: raw)
        // objdump names the raw block `<.data>`: named for the function, the reader finds it as in a vmlinux.
        return text.replacingOccurrences(of: "<.data>:", with: "<\(symbol)>:")
    }

    /// `count` bytes of kernel memory at `address`: the PT_LOAD segment holding it found with libelf (as
    /// `ELFSymbolTable` reads segments; ELF_C_READ, since kcore cannot be mapped whole), its bytes read in place.
    static func read(_ path: String, address: UInt64, count: Int) throws(CaptureError) -> [UInt8] {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else { throw CaptureError("libelf is unusable") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard let elf = elf_begin(fd, ELF_C_READ, nil) else { throw CaptureError("\(path) is not an ELF file") }
        defer { elf_end(elf) }
        var phnum = 0
        guard elf_kind(elf) == ELF_K_ELF, elf_getphdrnum(elf, &phnum) == 0 else {
            throw CaptureError("\(path) has no program headers")
        }
        for i in 0..<phnum {
            var ph = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(i), &ph) != nil, ph.p_type == UInt32(PT_LOAD),
                  address >= ph.p_vaddr, address - ph.p_vaddr < ph.p_filesz else { continue }
            let n = Int(min(UInt64(count), ph.p_filesz - (address - ph.p_vaddr)))
            var out = [UInt8](repeating: 0, count: n)
            let got = out.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress, n, off_t(Int64(bitPattern: ph.p_offset + (address - ph.p_vaddr))))
            }
            guard got == n else {
                throw CaptureError("cannot read \(n) bytes at 0x\(String(address, radix: 16)) from \(path)")
            }
            return out
        }
        throw CaptureError("0x\(String(address, radix: 16)) is in no segment of \(path)")
    }
}
