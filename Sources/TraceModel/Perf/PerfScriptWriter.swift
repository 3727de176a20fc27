/// Writes samples as `perf script` text (the default fields with `-F +pid` and a callchain):
///
///     comm  pid/tid [cpu] sec.usec:   period event:
///     \t    addr symbol+0xoff (dso)
///     (blank line)
///
/// what `PerfScriptParser` reads back, and what the Firefox profiler and flame graph scripts import.
public enum PerfScriptWriter {
    /// A resolved callchain frame. `offset` nil prints the symbol alone (`[unknown]`).
    public struct Frame: Sendable, Equatable {
        public var address: UInt64
        public var symbol: String
        public var offset: UInt64?
        public var dso: String

        public init(address: UInt64, symbol: String, offset: UInt64?, dso: String) {
            self.address = address
            self.symbol = symbol
            self.offset = offset
            self.dso = dso
        }
    }

    public static func appendSample(to out: inout [UInt8], comm: String, pid: Int32, tid: Int32, cpu: UInt32,
                                    timeNanoseconds: UInt64, period: UInt64, event: String, frames: [Frame]) {
        // perf pads the comm to 16 columns; a comm ending in digits still parses, as its next word is pid/tid.
        let name = comm.isEmpty ? ":\(tid)" : comm
        out.append(contentsOf: name.utf8)
        for _ in 0..<max(0, 16 - name.utf8.count) { out.append(0x20) }
        out.append(0x20)
        decimal(&out, UInt64(UInt32(bitPattern: pid)))
        out.append(UInt8(ascii: "/"))
        decimal(&out, UInt64(UInt32(bitPattern: tid)))
        out.append(contentsOf: " [".utf8)
        var c = String(cpu)
        while c.utf8.count < 3 { c = "0" + c }
        out.append(contentsOf: c.utf8)
        out.append(contentsOf: "] ".utf8)
        decimal(&out, timeNanoseconds / 1_000_000_000)
        out.append(UInt8(ascii: "."))
        let usec = (timeNanoseconds % 1_000_000_000) / 1000
        var div: UInt64 = 100_000
        while div > 0 {
            out.append(0x30 + UInt8((usec / div) % 10))
            div /= 10
        }
        out.append(contentsOf: ": ".utf8)
        decimal(&out, period)
        out.append(0x20)
        out.append(contentsOf: event.utf8)
        out.append(contentsOf: ": \n".utf8)
        for f in frames {
            out.append(0x09)
            var h = hex(f.address)
            while h.count < 16 { h.insert(0x20, at: 0) }
            out.append(contentsOf: h)
            out.append(0x20)
            out.append(contentsOf: f.symbol.utf8)
            if let off = f.offset {
                out.append(contentsOf: "+0x".utf8)
                out.append(contentsOf: hex(off))
            }
            out.append(contentsOf: " (".utf8)
            out.append(contentsOf: f.dso.utf8)
            out.append(contentsOf: ")\n".utf8)
        }
        out.append(0x0A)
    }

    @inline(__always)
    static func decimal(_ out: inout [UInt8], _ v: UInt64) {
        if v < 10 {
            out.append(0x30 + UInt8(v))
            return
        }
        var digits: (UInt64, Int) = (v, 0)
        var tmp = [UInt8](repeating: 0, count: 20)
        while digits.0 > 0 {
            tmp[19 - digits.1] = 0x30 + UInt8(digits.0 % 10)
            digits.0 /= 10
            digits.1 += 1
        }
        out.append(contentsOf: tmp[(20 - digits.1)...])
    }

    @inline(__always)
    static func hex(_ v: UInt64) -> [UInt8] {
        if v == 0 { return [0x30] }
        var out: [UInt8] = []
        var x = v
        while x > 0 {
            let d = UInt8(x & 15)
            out.append(d < 10 ? 0x30 + d : 0x57 + d)
            x >>= 4
        }
        return out.reversed()
    }
}
