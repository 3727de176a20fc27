import Testing
@testable import TraceModel

/// The one folded-stacks reader, as the hotspot loader and the SVG export each use it.
@Suite("Folded stacks text")
struct FoldedTextTests {
    /// Comments, a CRLF line, a fractional count, a blank line, trailing blanks and a line with no count.
    static let text = "# comment 12\n// another 3\na;b 3\r\na;c 1.5\n\nx;y 2  \nno count here\n"

    static func utf16(_ s: String, littleEndian: Bool) -> [UInt8] {
        var out: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for u in s.utf16 {
            let (lo, hi) = (UInt8(u & 0xFF), UInt8(u >> 8))
            out += littleEndian ? [lo, hi] : [hi, lo]
        }
        return out
    }

    static func stacks(_ parsed: FoldedStacks.Parsed) -> [String] {
        let s = parsed.samples
        return (0..<s.count).map { i in
            s.frames(of: i).reversed().map { s.functionName(ofLocation: $0) }.joined(separator: ";") + " \(s.sampleWeight[i])"
        }
    }

    @Test func hotspotSamplesSkipCommentsAndCountFractionalLinesAsInvalid() {
        let parsed = Array(Self.text.utf8).withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(Self.stacks(parsed) == ["a;b 3", "x;y 2"])
        // `a;c 1.5` (no whole weight) and `no count here`.
        #expect(parsed.invalidLines == 2)
    }

    @Test func svgStacksSkipCommentsAndKeepFractionalCounts() {
        let stacks = FoldedInput.parse(Array(Self.text.utf8))
        #expect(stacks.map { $0.frames.joined(separator: ";") } == ["a;b", "a;c", "x;y"])
        #expect(stacks.map(\.count) == [3, 1.5, 2])
    }

    @Test func byteOrderMarksAreReadByBoth() {
        for bytes in [Self.utf16(Self.text, littleEndian: true), Self.utf16(Self.text, littleEndian: false),
                      [0xEF, 0xBB, 0xBF] + Array(Self.text.utf8)] {
            let parsed = bytes.withUnsafeBytes { FoldedStacks.parse($0) }
            #expect(Self.stacks(parsed) == ["a;b 3", "x;y 2"])
            #expect(FoldedInput.parse(bytes).map(\.count) == [3, 1.5, 2])
        }
    }

    @Test func emptyFramesAreKeptAsWritten() {
        let stacks = FoldedInput.parse(Array("a;;b 4\n;c 1\n".utf8))
        #expect(stacks.map(\.frames) == [["a", "", "b"], ["", "c"]])
    }

    @Test func detectionWantsWholeCounts() {
        func looks(_ s: String) -> Bool { Array(s.utf8).withUnsafeBytes { FoldedStacks.looksFolded($0) } }
        #expect(looks("# header\nmain;work 12\nmain;idle 3\n"))
        #expect(!looks("main;work 1.5\n"))
        #expect(!looks("main\twork 12\n"))
        #expect(!looks("  0)   0.412 us    |    func_7();\n"))
        let counts = ["2e3", "12", ".5", "1.5E-1", "-1", "1e", "x"].map { t in
            Array(t.utf8).withUnsafeBytes { FoldedText.number($0) }
        }
        #expect(counts.map { $0?.value } == [2000, 12, 0.5, 0.15, nil, nil, nil])
        #expect(counts.map { $0?.whole } == [nil, 12, nil, nil, nil, nil, nil])
    }
}
