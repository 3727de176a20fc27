/// The bytes of a trace-cmd `trace.dat` version 6 file before its CPU data (`trace-cmd.dat.v6(5)`): the
/// initial format, the kernel's header_page and header_event, the event formats, kallsyms, printk formats,
/// saved cmdlines, the options and the flyrecord table that points at each CPU's pages.
///
/// Built from values (the tracefs files already read), so it can be checked without a kernel.
public struct TraceDatLayout: Sendable {
    /// Option ids trace-cmd reads (`trace-cmd.dat.v7(5)` lists them; v6 files carry the same ones).
    public enum Option: UInt16, Sendable {
        case cpuStat = 2
        case traceClock = 4
        case uname = 5
        case cpuCount = 8
        case version = 9
    }

    /// Bytes of one ring-buffer page (the kernel's sub-buffer): the unit of the CPU data.
    public var pageSize: Int
    public var headerPage: [UInt8] = []
    public var headerEvent: [UInt8] = []
    /// `events/ftrace/*/format`.
    public var ftraceFormats: [[UInt8]] = []
    /// Every other system's formats: `events/<system>/*/format`.
    public var systems: [(name: String, formats: [[UInt8]])] = []
    public var kallsyms: [UInt8] = []
    public var printkFormats: [UInt8] = []
    public var cmdlines: [UInt8] = []
    public var options: [(Option, [UInt8])] = []

    public init(pageSize: Int) {
        self.pageSize = pageSize
    }

    /// The header for CPU data of `cpuSizes` bytes each (multiples of `pageSize`), and the file offset where the
    /// first CPU's data starts (page aligned: readers map the data page by page). Later CPUs follow in order.
    public func header(cpuSizes: [Int]) -> (bytes: [UInt8], dataStart: Int) {
        var out: [UInt8] = [0x17, 0x08, 0x44]
        out += Array("tracing".utf8)
        out += Array("6".utf8) + [0]
        out.append(0)                                   // little endian (the host's: x86-64, arm64)
        out.append(UInt8(MemoryLayout<Int>.size))       // userspace long
        Self.put32(&out, pageSize)
        out += Array("header_page".utf8) + [0]
        Self.put64(&out, headerPage.count)
        out += headerPage
        out += Array("header_event".utf8) + [0]
        Self.put64(&out, headerEvent.count)
        out += headerEvent
        Self.put32(&out, ftraceFormats.count)
        for f in ftraceFormats {
            Self.put64(&out, f.count)
            out += f
        }
        Self.put32(&out, systems.count)
        for s in systems {
            out += Array(s.name.utf8) + [0]
            Self.put32(&out, s.formats.count)
            for f in s.formats {
                Self.put64(&out, f.count)
                out += f
            }
        }
        Self.put32(&out, kallsyms.count)
        out += kallsyms
        Self.put32(&out, printkFormats.count)
        out += printkFormats
        Self.put64(&out, cmdlines.count)
        out += cmdlines
        Self.put32(&out, cpuSizes.count)
        out += Array("options  ".utf8) + [0]
        for (id, data) in options {
            Self.put16(&out, Int(id.rawValue))
            Self.put32(&out, data.count)
            out += data
        }
        Self.put16(&out, 0)                             // the end of the options: an id of 0, no size
        out += Array("flyrecord".utf8) + [0]
        let tableEnd = out.count + 16 * cpuSizes.count
        let dataStart = (tableEnd + pageSize - 1) / pageSize * pageSize
        var offset = dataStart
        for size in cpuSizes {
            Self.put64(&out, offset)
            Self.put64(&out, size)
            offset += size
        }
        out += [UInt8](repeating: 0, count: dataStart - out.count)
        return (out, dataStart)
    }

    /// A null-terminated string option's data.
    public static func string(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

    public static func uint32(_ v: Int) -> [UInt8] {
        var out: [UInt8] = []
        put32(&out, v)
        return out
    }

    static func put16(_ out: inout [UInt8], _ v: Int) {
        let u = UInt16(truncatingIfNeeded: v).littleEndian
        withUnsafeBytes(of: u) { out += $0 }
    }

    static func put32(_ out: inout [UInt8], _ v: Int) {
        let u = UInt32(truncatingIfNeeded: v).littleEndian
        withUnsafeBytes(of: u) { out += $0 }
    }

    static func put64(_ out: inout [UInt8], _ v: Int) {
        let u = UInt64(truncatingIfNeeded: v).littleEndian
        withUnsafeBytes(of: u) { out += $0 }
    }
}
