/// The `/` search of the stream: a plain substring, case-insensitive unless the pattern has capitals
/// (less's and vim's smart case), matched on a line's bytes.
public struct TextSearch: Sendable, Equatable {
    public let pattern: String
    private let needle: [UInt8]
    private let ignoreCase: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        let fold = !pattern.contains(where: { $0.isUppercase })
        ignoreCase = fold
        needle = Array(pattern.utf8).map { fold ? Self.lower($0) : $0 }
    }

    public var isEmpty: Bool { needle.isEmpty }

    @inline(__always) private static func lower(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }

    /// The byte offset of the first match in `bytes`, or nil.
    public func firstMatch(in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        let n = bytes.count, m = needle.count
        guard m > 0, n >= m else { return nil }
        let first = needle[0]
        var i = start
        while i + m <= n {
            let c = ignoreCase ? Self.lower(bytes[i]) : bytes[i]
            if c == first {
                var k = 1
                while k < m {
                    let b = ignoreCase ? Self.lower(bytes[i + k]) : bytes[i + k]
                    if b != needle[k] { break }
                    k += 1
                }
                if k == m { return i }
            }
            i += 1
        }
        return nil
    }

    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool { firstMatch(in: bytes) != nil }

    /// Character ranges of every match in `text` (for highlighting what is on screen).
    public func ranges(in text: String) -> [Range<Int>] {
        let scalars = Array(text.unicodeScalars)
        let pat = Array(pattern.unicodeScalars)
        guard !pat.isEmpty, scalars.count >= pat.count else { return [] }
        func eq(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Bool {
            ignoreCase ? a.properties.lowercaseMapping == b.properties.lowercaseMapping : a == b
        }
        var out: [Range<Int>] = []
        var i = 0
        while i + pat.count <= scalars.count {
            var k = 0
            while k < pat.count, eq(scalars[i + k], pat[k]) { k += 1 }
            if k == pat.count {
                out.append(i..<(i + k))
                i += k
            } else {
                i += 1
            }
        }
        return out
    }
}
