import Glibc

/// The kernel's function symbols, sorted by address, for naming kernel frames of samples.
///
/// Reads `/proc/kallsyms` (addresses read as zero without root: then nothing resolves, as with perf).
public final class Kallsyms: @unchecked Sendable {
    // Unchecked: filled in init, only read afterwards.
    private var addresses: [UInt64] = []
    private var nameStart: [UInt32] = []
    private var nameLength: [UInt16] = []
    private var moduleOf: [UInt16] = []
    /// Each symbol's line in the file.
    private var fileOrder: [UInt32] = []
    private var text: [UInt8] = []
    /// `[kernel.kallsyms]` first, then `[module]` names.
    private(set) var modules: [String] = ["[kernel.kallsyms]"]

    public init(path: String = "/proc/kallsyms") {
        guard let bytes = Self.readAll(path) else { return }
        var entries: [(UInt64, UInt32, UInt16, UInt16, UInt32)] = []
        entries.reserveCapacity(bytes.count / 40)
        var moduleIDs: [String: UInt16] = [:]
        text.reserveCapacity(bytes.count / 2)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            let n = b.count
            while i < n {
                var end = i
                while end < n, b[end] != 0x0A { end += 1 }
                defer { i = end + 1 }
                // `ffffffff81000000 T _stext [module]`
                var addr: UInt64 = 0
                var j = i
                while j < end, let d = Self.hexValue(b[j]) {
                    addr = addr << 4 | UInt64(d)
                    j += 1
                }
                guard j + 3 < end, b[j] == 0x20, b[j + 2] == 0x20, addr != 0 else { continue }
                let type = b[j + 1] | 0x20
                guard type == UInt8(ascii: "t") || type == UInt8(ascii: "w") else { continue }
                let ns = j + 3
                var ne = ns
                while ne < end, b[ne] != 0x20, b[ne] != 0x09 { ne += 1 }
                var module: UInt16 = 0
                if ne < end, let open = (ne..<end).first(where: { b[$0] == UInt8(ascii: "[") }) {
                    var close = open + 1
                    while close < end, b[close] != UInt8(ascii: "]") { close += 1 }
                    let name = String(decoding: UnsafeBufferPointer(rebasing: b[open...min(close, end - 1)]), as: UTF8.self)
                    if let id = moduleIDs[name] {
                        module = id
                    } else {
                        module = UInt16(modules.count)
                        modules.append(name)
                        moduleIDs[name] = module
                    }
                }
                let start = UInt32(text.count)
                text.append(contentsOf: UnsafeBufferPointer(rebasing: b[ns..<ne]))
                entries.append((addr, start, UInt16(min(ne - ns, Int(UInt16.max))), module, UInt32(entries.count)))
            }
        }
        entries.sort { $0.0 < $1.0 }
        addresses = entries.map(\.0)
        nameStart = entries.map(\.1)
        nameLength = entries.map(\.2)
        moduleOf = entries.map(\.3)
        fileOrder = entries.map(\.4)
    }

    public var count: Int { addresses.count }

    /// The symbol holding `address`: its index and the offset into it.
    public func lookup(_ address: UInt64) -> (index: Int, offset: UInt64)? {
        var lo = 0, hi = addresses.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if addresses[mid] <= address { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        return (lo - 1, address - addresses[lo - 1])
    }

    public func name(_ index: Int) -> String {
        let s = Int(nameStart[index])
        return String(decoding: text[s..<(s + Int(nameLength[index]))], as: UTF8.self)
    }

    public func address(_ index: Int) -> UInt64 { addresses[index] }

    /// The symbol's size as perf counts it: up to the next symbol at a higher address (nil for the last one).
    public func size(_ index: Int) -> UInt64? {
        var k = index + 1
        while k < addresses.count, addresses[k] == addresses[index] { k += 1 }
        return k < addresses.count ? addresses[k] - addresses[index] : nil
    }

    /// Each name's first symbol in the file's order (static functions of several files share a name; perf
    /// kallsyms answers with the first too).
    public func indexByName() -> [String: Int] {
        var out: [String: Int] = [:]
        out.reserveCapacity(addresses.count)
        for k in addresses.indices {
            let name = name(k)
            if let seen = out[name], fileOrder[seen] < fileOrder[k] { continue }
            out[name] = k
        }
        return out
    }

    /// `[kernel.kallsyms]`, or the module in brackets.
    public func dso(_ index: Int) -> String { modules[Int(moduleOf[index])] }

    /// A /proc file's whole text (its size reads as 0, so read until the end).
    static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x57
        case 0x41...0x46: return c - 0x37
        default: return nil
        }
    }
}
