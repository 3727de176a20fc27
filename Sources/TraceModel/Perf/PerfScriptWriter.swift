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
        if comm.isEmpty {
            out.append(UInt8(ascii: ":"))
            decimal(&out, UInt64(UInt32(bitPattern: tid)))
        } else {
            out.append(contentsOf: comm.utf8)
        }
        let width = comm.isEmpty ? 8 : comm.utf8.count
        for _ in 0..<max(0, 16 - width) { out.append(0x20) }
        out.append(0x20)
        decimal(&out, UInt64(UInt32(bitPattern: pid)))
        out.append(UInt8(ascii: "/"))
        decimal(&out, UInt64(UInt32(bitPattern: tid)))
        out.append(0x20)
        out.append(UInt8(ascii: "["))
        if cpu < 100 { out.append(0x30) }
        if cpu < 10 { out.append(0x30) }
        decimal(&out, UInt64(cpu))
        out.append(UInt8(ascii: "]"))
        out.append(0x20)
        decimal(&out, timeNanoseconds / 1_000_000_000)
        out.append(UInt8(ascii: "."))
        let usec = (timeNanoseconds % 1_000_000_000) / 1000
        var div: UInt64 = 100_000
        while div > 0 {
            out.append(0x30 + UInt8((usec / div) % 10))
            div /= 10
        }
        out.append(UInt8(ascii: ":"))
        out.append(0x20)
        decimal(&out, period)
        out.append(0x20)
        out.append(contentsOf: event.utf8)
        out.append(UInt8(ascii: ":"))
        out.append(0x20)
        out.append(0x0A)
        for f in frames {
            out.append(0x09)
            hex(&out, f.address, width: 16)
            out.append(0x20)
            out.append(contentsOf: f.symbol.utf8)
            if let off = f.offset {
                out.append(UInt8(ascii: "+"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "x"))
                hex(&out, off, width: 0)
            }
            out.append(0x20)
            out.append(UInt8(ascii: "("))
            out.append(contentsOf: f.dso.utf8)
            out.append(UInt8(ascii: ")"))
            out.append(0x0A)
        }
        out.append(0x0A)
    }

    @inline(__always)
    static func decimal(_ out: inout [UInt8], _ v: UInt64) {
        var digits = 1
        var p: UInt64 = 10
        while digits < 20, v >= p {
            digits += 1
            p = p &* 10
        }
        var x = v
        let end = out.count + digits
        out.append(contentsOf: repeatElement(0x30, count: digits))
        var i = end - 1
        while i >= end - digits {
            out[i] = 0x30 + UInt8(x % 10)
            x /= 10
            i -= 1
        }
    }

    /// Lower-case hex, right-aligned in `width` columns (padded with spaces).
    @inline(__always)
    static func hex(_ out: inout [UInt8], _ v: UInt64, width: Int) {
        var digits = 1
        while digits < 16, v >> (4 * UInt64(digits)) != 0 { digits += 1 }
        for _ in 0..<max(0, width - digits) { out.append(0x20) }
        var shift = 4 * (digits - 1)
        while shift >= 0 {
            let d = UInt8((v >> UInt64(shift)) & 15)
            out.append(d < 10 ? 0x30 + d : 0x57 + d)
            shift -= 4
        }
    }
}
