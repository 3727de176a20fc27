/// An output buffer for the exporters: bytes are appended without `String`s on the hot path and handed to
/// `flush` (a file, stdout, a test's array) about every megabyte.
public struct ByteSink {
    /// Raw memory rather than `[UInt8]`: appending a byte is a store, with no uniqueness check or growth test
    /// per byte (the exporters write tens of bytes per event, millions of events).
    final class Storage {
        var p: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            p = .allocate(capacity: capacity)
        }

        func grow(to wanted: Int) {
            var c = capacity
            while c < wanted { c *= 2 }
            let q = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            q.update(from: p, count: count)
            p.deallocate()
            p = q
            capacity = c
        }

        deinit { p.deallocate() }
    }

    let storage: Storage
    let flush: (UnsafeRawBufferPointer) -> Void
    let threshold: Int

    public init(threshold: Int = 1 << 20, flush: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.flush = flush
        self.threshold = threshold
        storage = Storage(capacity: min(threshold, 1 << 20) + (64 << 10))
    }

    /// What is buffered, as an array (for small sinks that collect rather than flush).
    var buffer: [UInt8] { Array(UnsafeBufferPointer(start: storage.p, count: storage.count)) }

    @inline(__always)
    mutating func maybeFlush() {
        if storage.count >= threshold { finish() }
    }

    /// Hands over what is buffered.
    public mutating func finish() {
        guard storage.count > 0 else { return }
        flush(UnsafeRawBufferPointer(start: storage.p, count: storage.count))
        storage.count = 0
    }

    /// Room for `n` more bytes; returns where they go.
    @inline(__always)
    func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if storage.count + n > storage.capacity { storage.grow(to: storage.count + n) }
        return storage.p + storage.count
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        reserve(1).pointee = b
        storage.count += 1
    }

    @inline(__always)
    mutating func ascii(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        reserve(n).update(from: s.utf8Start, count: n)
        storage.count += n
    }

    public mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    public mutating func bytes(_ b: UnsafeRawBufferPointer) {
        guard let base = b.baseAddress, b.count > 0 else { return }
        reserve(b.count).update(from: base.assumingMemoryBound(to: UInt8.self), count: b.count)
        storage.count += b.count
    }

    mutating func append(contentsOf a: [UInt8]) {
        a.withUnsafeBytes { bytes($0) }
    }

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
            bytes(UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
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
        let digits = reserve(9)
        for k in stride(from: 8, through: 0, by: -1) {
            digits[k] = 0x30 + UInt8(f % 10)
            f /= 10
        }
        storage.count += 9
    }

    /// A JSON string, quoted and escaped (RFC 8259), from bytes that may not be valid UTF-8.
    mutating func jsonString(_ b: UnsafeRawBufferPointer) {
        byte(0x22)
        var run = 0
        for k in 0..<b.count {
            let c = b[k]
            if c >= 0x20, c != 0x22, c != 0x5C { continue }
            if k > run { bytes(UnsafeRawBufferPointer(rebasing: b[run..<k])) }
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
        if b.count > run { bytes(UnsafeRawBufferPointer(rebasing: b[run..<b.count])) }
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
            bytes(b)
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
