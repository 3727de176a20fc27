/// An output buffer for the exporters: bytes are appended without `String`s on the hot path and handed to
/// `flush` (a file, stdout, a test's array) about every megabyte.
public struct ByteSink {
    var buffer: [UInt8] = []
    let flush: (UnsafeRawBufferPointer) -> Void
    let threshold: Int

    public init(threshold: Int = 1 << 20, flush: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.flush = flush
        self.threshold = threshold
        buffer.reserveCapacity(min(threshold, 1 << 20) + 4096)
    }

    @inline(__always)
    mutating func maybeFlush() {
        if buffer.count >= threshold { finish() }
    }

    /// Hands over what is buffered.
    public mutating func finish() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { flush($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) { buffer.append(b) }

    @inline(__always)
    mutating func ascii(_ s: StaticString) {
        s.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    public mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { buffer.append(contentsOf: $0) }
    }

    public mutating func bytes(_ b: UnsafeRawBufferPointer) { buffer.append(contentsOf: b) }

    /// A decimal integer.
    @inline(__always)
    mutating func int(_ v: Int64) {
        if v < 0 {
            byte(UInt8(ascii: "-"))
            if v == Int64.min {
                ascii("9223372036854775808")
                return
            }
            int(-v)
            return
        }
        if v < 10 {
            byte(0x30 + UInt8(v))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 {
                d[23 - n] = 0x30 + UInt8(x % 10)
                x /= 10
                n += 1
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
        }
    }

    /// `ns` as µs with three decimals (`1234.567`): the unit of Chrome's `ts` and `dur`.
    @inline(__always)
    mutating func micros(_ ns: Int64) {
        if ns < 0 { byte(UInt8(ascii: "-")) }
        let a = ns.magnitude
        int(Int64(a / 1000))
        let f = Int(a % 1000)
        byte(UInt8(ascii: "."))
        byte(0x30 + UInt8(f / 100))
        byte(0x30 + UInt8(f / 10 % 10))
        byte(0x30 + UInt8(f % 10))
    }

    /// `ns` as seconds with nine decimals.
    mutating func seconds(_ ns: Int64) {
        if ns < 0 { byte(UInt8(ascii: "-")) }
        let a = ns.magnitude
        int(Int64(a / 1_000_000_000))
        byte(UInt8(ascii: "."))
        var f = a % 1_000_000_000
        var digits = [UInt8](repeating: 0x30, count: 9)
        for k in stride(from: 8, through: 0, by: -1) {
            digits[k] = 0x30 + UInt8(f % 10)
            f /= 10
        }
        buffer.append(contentsOf: digits)
    }

    /// A JSON string, quoted and escaped (RFC 8259), from bytes that may not be valid UTF-8.
    mutating func jsonString(_ b: UnsafeRawBufferPointer) {
        byte(0x22)
        var run = 0
        for k in 0..<b.count {
            let c = b[k]
            if c >= 0x20, c != 0x22, c != 0x5C { continue }
            if k > run { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[run..<k])) }
            run = k + 1
            switch c {
            case 0x22: ascii("\\\"")
            case 0x5C: ascii("\\\\")
            case 0x0A: ascii("\\n")
            case 0x0D: ascii("\\r")
            case 0x09: ascii("\\t")
            default:
                ascii("\\u00")
                let hex: StaticString = "0123456789abcdef"
                byte(hex.utf8Start[Int(c >> 4)])
                byte(hex.utf8Start[Int(c & 15)])
            }
        }
        if b.count > run { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[run..<b.count])) }
        byte(0x22)
    }

    mutating func jsonString(_ s: String) {
        var s = s
        s.withUTF8 { jsonString(UnsafeRawBufferPointer($0)) }
    }

    /// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
    mutating func csvField(_ b: UnsafeRawBufferPointer) {
        var needs = false
        for c in b where c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D {
            needs = true
            break
        }
        guard needs else {
            buffer.append(contentsOf: b)
            return
        }
        byte(0x22)
        for c in b {
            if c == 0x22 { byte(0x22) }
            byte(c)
        }
        byte(0x22)
    }

    mutating func csvField(_ s: String) {
        var s = s
        s.withUTF8 { csvField(UnsafeRawBufferPointer($0)) }
    }
}
