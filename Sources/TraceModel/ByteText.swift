/// Text built as UTF-8 bytes: the exporters (`graph`, folded stacks, the flame graph SVG, JSON) write many small
/// pieces per node, and appending to a byte array is a store where a String append checks and grows its storage.
extension Array where Element == UInt8 {
    /// `n` in decimal, as `String(n)` writes it.
    mutating func appendDecimal(_ n: Int) {
        if n < 0 { append(UInt8(ascii: "-")) }
        // Digits of the magnitude (unsigned: -Int.min has no Int), least significant first, then reversed in place.
        var v = n.magnitude
        let start = count
        repeat {
            append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        self[start...].reverse()
    }

    mutating func append(_ s: String) {
        append(contentsOf: s.utf8)
    }
}
