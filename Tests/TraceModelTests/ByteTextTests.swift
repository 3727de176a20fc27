import Testing
@testable import TraceModel

/// The exporters write bytes where they appended Strings: each byte writer against the String formula it replaced.
@Suite("Exporters' byte text")
struct ByteTextTests {
    /// The String formula `FlameGraphSVG.number` had: hundredths, integers without a point, else `String(Double)`.
    private func numberAsBefore(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded(), abs(r) < 1e15 { return String(Int64(r)) }
        return String(r)
    }

    @Test func svgNumbersAreWhatStringWrote() {
        var values: [Double] = [0, -0.0, 0.004, 0.005, 0.01, 0.05, 0.1, 0.125, 1.5, 12.34, 99.999, 1179.99, -3.25,
                                999_999_999.99, 1e9 + 0.5, 1e14 + 0.25, 1e15, 1e16 + 2, 1e300, -1e300,
                                .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        // Widths and positions as a render makes them: scales from counts that do not divide evenly.
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            values.append(Double(UInt32.random(in: 0...UInt32.max, using: &g)) / Double(UInt16.random(in: 1...UInt16.max, using: &g)))
            values.append(Double.random(in: -2e9...2e9, using: &g))
            values.append(Double(Int.random(in: 0..<200_000, using: &g)) / 100)
        }
        for v in values {
            #expect(FlameGraphSVG.number(v) == numberAsBefore(v), "\(v)")
        }
    }

    @Test func svgEscapesAsBefore() {
        #expect(FlameGraphSVG.escape("a&b<c>\"d'e\u{1}\t\n\r\u{7F}\u{85}é") == "a&amp;b&lt;c&gt;&quot;d&apos;e?\t\n\r\u{7F}\u{85}é")
        #expect(FlameGraphSVG.color("") == "rgb(\(205 + Int(2_166_136_261 as UInt32 % 50)),\(Int((2_166_136_261 as UInt32 >> 8) % 180)),\(Int((2_166_136_261 as UInt32 >> 16) % 55)))")
    }

    @Test func jsonEscapesControlsByName() {
        #expect(JSONWriter.quoted("\u{7F}\u{80}\u{9F}\u{A0}é\u{1F}\"\\\r\t") == "\"\\u007f\\u0080\\u009f\u{A0}é\\u001f\\\"\\\\\\r\\t\"")
        var w = JSONWriter()
        w.beginObject()
        w.key("n"); w.number(Int.min)
        w.key("m"); w.number(0)
        w.key("a"); w.beginArray(); w.number(-12); w.null(); w.string("x"); w.endArray()
        w.endObject()
        #expect(w.text == "{\"n\":-9223372036854775808,\"m\":0,\"a\":[-12,null,\"x\"]}")
    }

    /// A path called twice sums into one stack, in the order paths first had self time; an empty frame is kept.
    @Test func repeatedCallPathsFoldIntoOneStack() throws {
        let text = """
        # tracer: function_graph
         0)               |  a() {
         0)   1.000 us    |    b();
         0)   3.000 us    |  }
         0)               |  c() {
         0)   2.000 us    |    b();
         0)   4.000 us    |  }
         0)               |  a() {
         0)   5.000 us    |    b();
         0)   6.000 us    |  }

        """
        let calls = try #require(HotspotSource(store: EventStore(parsing: OwnedBytes(Array(text.utf8)))).calls)
        let stacks = FoldedInput.stacks(of: calls)
        #expect(stacks.map { $0.frames.joined(separator: ";") } == ["a", "a;b", "c", "c;b"])
        #expect(stacks.map(\.count) == [3000, 6000, 2000, 2000])
        #expect(FoldedStacks.text(calls: calls) == "a 3\na;b 6\nc 2\nc;b 2\n")
        let folded = FoldedStacks.parse(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(folded.samples.isEmpty)
        let withEmpty = Array("x;;y 2\nx 1\n".utf8)
        let parsed = withEmpty.withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(FoldedStacks.text(samples: parsed.samples) == "x 1\nx;;y 2\n")
    }
}
