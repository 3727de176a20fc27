import Foundation
import Testing
@testable import TraceModel

/// Annotate's model: the period read backwards from a sample header agrees with the full header parse, and
/// objdump's text becomes instructions and source lines.
@Suite struct AnnotationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    @Test(arguments: ["hotspots/hot.script.txt", "perf-spin.script.txt"])
    func fastPeriodAgreesWithTheHeaderParse(_ name: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + name))
        let store = EventStore(parsing: OwnedBytes(Array(bytes)))
        var checked = 0
        for chunk in store.chunks {
            for k in 0..<chunk.stacks.rows.count {
                let row = Int(chunk.stacks.rows[k])
                let line = chunk.line(row)
                let full = PerfSampleHeader(bytes: line)?.period
                let fast = Annotation.period(line, payload: Int(chunk.payloadOffsets[row]))
                #expect(fast == nil || fast == full, "\(String(decoding: line, as: UTF8.self))")
                #expect((fast ?? full) == full)
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    @Test func headersWithoutAPeriodFallBack() {
        let line = Array("app 10/11 [000] 1.000000: cpu-clock: ".utf8)
        line.withUnsafeBytes { #expect(Annotation.period($0, payload: line.count) == nil) }
        let with = Array("app 10/11 [000] 1.000000:     250000 cpu-clock:pppH: ".utf8)
        with.withUnsafeBytes { #expect(Annotation.period($0, payload: with.count) == 250000) }
    }

    @Test func objdumpTextBecomesInstructionsAndSource() {
        let text = """
        Disassembly of section .text:

        0000000000001139 <hot_a>:
        hot_a():
        /src/hot.c:6
            for (i = 0; i < n; i++) s += i;
            1139:\ttest   %rdi,%rdi
            113c:\tje     1169 <hot_a+0x30>

        0000000000001171 <hot_b>:
            1171:\tret
        """
        let d = Disassembly(objdump: text, symbol: "hot_a")
        #expect(d.start == 0x1139)
        #expect(d.lines.compactMap(\.address) == [0x1139, 0x113c])
        #expect(d.lines.first?.text == "hot_a():")
        let a = Annotation(symbol: "hot_a", dso: "hot", disassembly: d, offsets: [0: 3, 3: 1, 99: 2], samples: 6)
        #expect(a.total == 6 && a.unplaced == 2)
        #expect(a.hottest.map { a.lines[$0].address } == [0x1139, 0x113c])
        #expect(a.text().contains("   50.00 :   1139:   test   %rdi,%rdi"))
    }
}
