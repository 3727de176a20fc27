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

    /// `count` bytes of kernel memory at `address`, through the ELF core file's program headers.
    static func read(_ path: String, address: UInt64, count: Int) throws(CaptureError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        func pread(_ n: Int, at offset: UInt64) -> [UInt8]? {
            var out = [UInt8](repeating: 0, count: n)
            let got = out.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, n, off_t(Int64(bitPattern: offset))) }
            return got == n ? out : nil
        }
        func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
        func u32(_ b: [UInt8], _ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) } }
        func u64(_ b: [UInt8], _ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) } }
        guard let header = pread(64, at: 0), header[0..<4] == [0x7F, 0x45, 0x4C, 0x46], header[4] == 2, header[5] == 1 else {
            throw CaptureError("\(path) is not a 64-bit little-endian ELF file")
        }
        let phoff = u64(header, 32), phentsize = u16(header, 54), phnum = u16(header, 56)
        guard phentsize >= 56, phnum > 0, let table = pread(phentsize * phnum, at: phoff) else {
            throw CaptureError("\(path) has no program headers")
        }
        for i in 0..<phnum {
            let o = i * phentsize
            guard u32(table, o) == 1 else { continue }  // PT_LOAD
            let offset = u64(table, o + 8), vaddr = u64(table, o + 16), filesz = u64(table, o + 32)
            guard address >= vaddr, address - vaddr < filesz else { continue }
            let n = Int(min(UInt64(count), filesz - (address - vaddr)))
            guard let bytes = pread(n, at: offset + (address - vaddr)) else {
                throw CaptureError("cannot read \(n) bytes at 0x\(String(address, radix: 16)) from \(path)")
            }
            return bytes
        }
        throw CaptureError("0x\(String(address, radix: 16)) is in no segment of \(path)")
    }
}
