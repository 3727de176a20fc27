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

    /// A sink that only collects a small piece (one field, one quoted name) and never flushes: its buffer starts
    /// small and grows as written. The exporters make one per distinct name; with the default initializer's
    /// megabyte buffer, a call tree of many functions allocated (and freed) a megabyte per function.
    init(collecting capacity: Int = 64) {
        flush = { _ in }
        threshold = .max
        storage = Storage(capacity: max(1, capacity))
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
        // Digits written backwards straight into the buffer: no copy through a scratch tuple.
        var n = 1
        var bound: Int64 = 10
        while n < 19, v >= bound {
            n += 1
            bound &*= 10
        }
        let p = reserve(n)
        var x = v
        var k = n
        while k > 0 {
            k -= 1
            p[k] = 0x30 + UInt8(truncatingIfNeeded: x % 10)
            x /= 10
        }
        storage.count += n
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

    /// A JSON string, quoted and escaped (RFC 8259), from bytes that may not be valid UTF-8: invalid bytes become
    /// `\ufffd`, and DEL and the C1 controls are escaped too (`SafeText`'s rule, so the file prints safely).
    mutating func jsonString(_ b: UnsafeRawBufferPointer) {
        byte(0x22)
        var run = 0
        var k = 0
        let hex: StaticString = "0123456789abcdef"
        while k < b.count {
            let c = b[k]
            var escape: UInt32?
            var width = 1
            if c >= 0x80 {
                let n = SafeText.sequenceLength(b, k)
                if n == 0 {
                    escape = 0xFFFD
                } else if c == 0xC2, b[k + 1] <= 0x9F {
                    escape = UInt32(b[k + 1])
                    width = 2
                } else {
                    k += n
                    continue
                }
            } else if c < 0x20 || c == 0x22 || c == 0x5C || c == 0x7F {
                escape = UInt32(c)
            } else {
                k += 1
                continue
            }
            if k > run { bytes(UnsafeRawBufferPointer(rebasing: b[run..<k])) }
            switch escape! {
            case 0x22: ascii("\\\"")
            case 0x5C: ascii("\\\\")
            case 0x0A: ascii("\\n")
            case 0x0D: ascii("\\r")
            case 0x09: ascii("\\t")
            case let v:
                ascii("\\u")
                for shift in [12, 8, 4, 0] as [UInt32] { byte(hex.utf8Start[Int((v >> shift) & 15)]) }
            }
            k += width
            run = k
        }
        if b.count > run { bytes(UnsafeRawBufferPointer(rebasing: b[run..<b.count])) }
        byte(0x22)
    }

    mutating func jsonString(_ s: String) {
        var s = s
        s.withUTF8 { jsonString(UnsafeRawBufferPointer($0)) }
    }

    /// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). Other control characters are
    /// written as `\xHH` and invalid UTF-8 as U+FFFD (`SafeText`'s rules: CSV has no escape of its own for them).
    mutating func csvField(_ b: UnsafeRawBufferPointer) {
        var needs = false, hasControls = false
        for c in b {
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { needs = true }
            if (c < 0x20 && c != 0x0A && c != 0x0D && c != 0x09) || c >= 0x7F { hasControls = true }
        }
        guard needs || hasControls else {
            bytes(b)
            return
        }
        if needs { byte(0x22) }
        var k = 0
        while k < b.count {
            let c = b[k]
            if c == 0x22 {
                ascii("\"\"")
            } else if (c < 0x20 && c != 0x0A && c != 0x0D && c != 0x09) || c == 0x7F {
                text(SafeText.hexEscape(UInt32(c)))
            } else if c >= 0x80 {
                let n = SafeText.sequenceLength(b, k)
                if n == 0 {
                    SafeText.replacement.withUnsafeBytes { bytes($0) }
                } else if c == 0xC2, b[k + 1] <= 0x9F {
                    text(SafeText.hexEscape(UInt32(b[k + 1])))
                    k += 2
                    continue
                } else {
                    bytes(UnsafeRawBufferPointer(rebasing: b[k..<(k + n)]))
                    k += n
                    continue
                }
            } else {
                byte(c)
            }
            k += 1
        }
        if needs { byte(0x22) }
    }

    mutating func csvField(_ s: String) {
        var s = s
        s.withUTF8 { csvField(UnsafeRawBufferPointer($0)) }
    }
}
