import Foundation
import Testing
@testable import TraceModel

/// The findings of issue 14's bad-input probe, each with its input: what crashed, wrapped or lied now reads as a
/// counted unparsed line, a one-line error, or a result built without recursion.
@Suite("Hardening against hostile input")
struct HardeningTests {
    static func store(_ text: String) -> EventStore { EventStore(parsing: OwnedBytes(Array(text.utf8))) }

    static func chrome(_ json: String) throws -> EventStore {
        let text = try Array(json.utf8).withUnsafeBytes { try ChromeTraceReader.ftraceText($0) }
        return EventStore(parsing: OwnedBytes(text))
    }

    static func parsesAsJSON(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    /// What an exporter writes, collected from its sink's flushes.
    static func export(_ format: ExportFormat, _ store: EventStore) -> [UInt8] {
        final class Collected { var bytes: [UInt8] = [] }
        let out = Collected()
        var sink = ByteSink(threshold: 1 << 16) { out.bytes += $0 }
        _ = try? Exporter.write(format, store: store, tree: nil, to: &sink)
        sink.finish()
        return out.bytes
    }

    // MARK: - depth the input controls

    /// Given Chrome JSON nested 70 000 arrays or 50 000 args objects deep, then reading it is a one-line error.
    /// Found by the fuzz campaign (sidecar target): two /proc samples of a damaged sidecar whose times are apart
    /// by more than Int64 holds, and a disk whose reads and writes each moved by nearly UInt64.max, trapped in
    /// the rates' arithmetic.
    @Test func procSamplesApartByMoreThanInt64GiveRatesNotATrap() {
        var old = ProcSample(), new = ProcSample()
        old.monotonic = Int64.min + 1
        new.monotonic = Int64.max
        var a = DiskCounters(name: "sda"), b = DiskCounters(name: "sda")
        b.reads = UInt64.max - 1; b.writes = UInt64.max - 1
        b.readMilliseconds = UInt64.max - 1; b.writeMilliseconds = UInt64.max - 1
        a.busyMilliseconds = 0; b.busyMilliseconds = UInt64.max
        old.disks = [a]
        new.disks = [b]
        let rates = ProcRates(from: old, to: new)
        #expect(rates.seconds > 1.8e10 && rates.seconds.isFinite)
        let disk = rates.disks.first
        #expect(disk.map { $0.awaitMilliseconds == 1 && $0.reads > 0 } == true, "\(String(describing: disk))")
        _ = DstatTable.row(rates)
    }

    @Test func deeplyNestedChromeJSONIsAnErrorNotACrash() {
        let arrays = String(repeating: "[", count: 70_000) + String(repeating: "]", count: 70_000)
        let args = "{\"traceEvents\":[{\"ph\":\"i\",\"name\":\"x\",\"ts\":1,\"args\":"
            + String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000) + "}]}"
        for json in [arrays, args] {
            #expect(throws: JSONError.self) { _ = try HardeningTests.chrome(json) }
        }
        // Nesting up to the bound still reads.
        let ok = "[{\"ph\":\"i\",\"name\":\"x\",\"ts\":1,\"args\":" + String(repeating: "[", count: 500) + "1"
            + String(repeating: "]", count: 500) + "}]"
        #expect((try? HardeningTests.chrome(ok))?.summary.events == 1)
    }

    /// Given a perf script sample with a 100 000-frame callchain, folded and SVG output come out whole.
    @Test func hundredThousandFrameCallchainFoldsAndDraws() throws {
        var text = "app  1/1  [000] 1.000000: cycles: \n"
        for k in 0..<100_000 { text += "\tffffffff8100\(k) f\(k) ([kernel.kallsyms])\n" }
        text += "\n"
        let source = HotspotSource(store: Self.store(text))
        let folded = try #require(source.folded())
        #expect(folded.hasPrefix("app;f99999;f99998;"))
        #expect(folded.hasSuffix(";f1;f0 1\n"))
        let svg = Self.export(.svg, Self.store(text))
        #expect(svg.count > 100_000)
    }

    /// Given a 200 000-frame ftrace `<stack trace>`, the stacks fold.
    @Test func twoHundredThousandFrameStackTraceFolds() throws {
        var text = "            bash-1     [000] ....  1.000000: sys_clone(clone_flags: 1)\n"
            + "            bash-1     [000] ....  1.000001: <stack trace>\n"
        for k in 0..<200_000 { text += " => g\(k)\n" }
        let folded = try #require(HotspotSource(store: Self.store(text)).folded())
        #expect(folded.split(separator: ";").count == 200_001, "\(folded.prefix(200))")
    }

    /// Given function_graph calls nested 100 000 deep, graph text and JSON, folded stacks and the flame graph come
    /// out, the drawing's indentation capped.
    @Test func hundredThousandDeepCallsGraphAndFold() throws {
        let depth = 100_000
        var text = "# tracer: function_graph\n"
        for k in 0..<depth { text += " 0)               |  f\(k)() {\n" }
        for _ in 0..<depth { text += " 0)   1.000 us    |  }\n" }
        let calls = try #require(HotspotSource(store: Self.store(text)).calls)
        let paths = CallPathTree(calls)
        let graph = paths.text()
        #expect(graph.split(separator: "\n").count == depth + 1)
        #expect(graph.contains("[depth 99999] f99999"))
        // Foundation stops at 512 levels (two per call: object and children): checked whole at 100 calls deep.
        let json = paths.json()
        #expect(json.hasPrefix("{\"roots\":[{\"name\":\"f0\"") && json.hasSuffix("]}]}"))
        #expect(FoldedStacks.text(calls: calls).hasPrefix("f0;f1;f2"))
        #expect(FoldedInput.stacks(of: calls).first?.frames.count == depth)
        var shallow = "# tracer: function_graph\n"
        for k in 0..<100 { shallow += " 0)               |  f\(k)() {\n" }
        for _ in 0..<100 { shallow += " 0)   1.000 us    |  }\n" }
        let shallowCalls = try #require(HotspotSource(store: Self.store(shallow)).calls)
        #expect(Self.parsesAsJSON(Array(CallPathTree(shallowCalls).json().utf8)))
    }

    // MARK: - numbers out of range

    @Test func chromePidBeyondInt64IsAnUnparsedEvent() throws {
        let s = try Self.chrome("""
            {"traceEvents":[{"ph":"i","name":"a","ts":1,"pid":1e300,"tid":1},{"ph":"i","name":"b","ts":2,"pid":1,"tid":1},
            {"ph":"X","name":"c","ts":1e300,"dur":1,"pid":1,"tid":1},{"ph":"X","name":"d","ts":1,"dur":-1e300,"pid":1,"tid":1}]}
            """)
        #expect(s.summary.events == 1)
        #expect(s.summary.unparsed == 3)
        #expect((0..<s.count).contains { s.lineText($0).contains("#1: pid 1e+300 is out of range") })
    }

    /// Given ftrace times at or past 9223372036.854775808 s, the lines are unparsed and counted, not wrapped to a
    /// negative time; the largest time that fits still reads.
    @Test func ftraceTimestampPastInt64IsUnparsed() {
        let s = Self.store("""
              bash-1 [000] ....  9223372036.854775: sched_switch: a=1
              bash-1 [000] ....  9223372036.854775808: sched_switch: a=2
              bash-1 [000] ....  99999999999.000000: sched_switch: a=3
              bash-1 [000] ....  1.123456789123456789123: sched_switch: a=4

            """)
        #expect(s.summary.events == 2)
        #expect(s.summary.unparsed == 2)
        #expect(s.summary.latestTimestamp == 9_223_372_036_854_775_000)
        #expect(s.summary.earliestTimestamp == 1_123_456_789)
        #expect(Self.parsesAsJSON(Self.export(.chrome, s)))
    }

    @Test func functionGraphDurationPastInt64IsUnparsed() {
        let s = Self.store("# tracer: function_graph\n 0) 9223372036854775.900 us |  f();\n 0)   1.000 us    |  g();\n")
        let tree = CallTree(store: s)
        #expect(tree.count >= 1)
        #expect((0..<tree.count).allSatisfy { tree.total[$0] >= 0 })
    }

    /// Given folded counts whose sum passes Int64.max, the line that would pass it is counted as invalid.
    @Test func foldedCountsSummingPastInt64AreInvalidLines() {
        let text = "a;b 9223372036854775807\na;c 9223372036854775807\na;d 5\n"
        let parsed = Array(text.utf8).withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(parsed.invalidLines == 2)
        #expect(parsed.totalWeight == .max)
        #expect(FoldedStacks.text(samples: parsed.samples) == "a;b 9223372036854775807\n")
    }

    /// Given a folded file whose one line (50 000 frames, ~390 KB) is longer than the format probe, it is still
    /// told to be folded stacks (it read as "no stacks").
    @Test func foldedLineLongerThanTheProbeIsFolded() {
        let line = (0..<50_000).map { "f\($0)" }.joined(separator: ";") + " 5\n"
        let bytes = Array(line.utf8)
        #expect(bytes.count > InputFormat.probeSize)
        #expect(InputFormat.detect(bytes) == .folded)
        let parsed = bytes.withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(parsed.samples.count == 1 && parsed.samples.frames.count == 50_000)
    }

    /// Given /proc values past the integers they are held in (found by the fuzzer), the readers skip or clamp
    /// them instead of trapping.
    @Test func procNumbersPastTheirIntegersDoNotTrap() {
        let meminfo = "MemTotal: 99999999999999999999 kB\nMemFree: 18446744073709551615 kB\nBuffers: 18446744073709551615 kB\n"
        let m = Array(meminfo.utf8).withProcText { MemInfo.parse($0) }
        #expect(m.total == nil)
        #expect(m.used == 0)
        let stat = "cpu  1 2 3 4\ncpu18446744073709551615 1 2 3 4\n"
        #expect(Array(stat.utf8).withProcText { ProcStat.parse($0) }.cpus.isEmpty)
        let sidecar = ProcSidecar.header(pageSize: 4096) + "T 18446744073709551615 1\nc 18446744073709551615 1 2\nl 18446744073709551615 1 1 1 1\n"
        let decoded = Array(sidecar.utf8).withUnsafeBytes { ProcSidecar.decode($0) }
        #expect(decoded?.samples.count == 1)
        #expect(decoded?.samples.first?.monotonic == 0)
        #expect(DstatTable.decimal(1e300) == "1e+300")
        #expect(UnitFormat.bytes(1e300) == "9999P")
    }

    /// Found by the fuzzer: 22 bytes claiming CPU 555555260 made the per-CPU tables take 4.4 GB.
    /// Found by the fuzz smoke (tracecmd target): trace-cmd's raw funcgraph fields with a hex `depth=` past
    /// Int64.max trapped when doubled; a hex `rettime=` past it wrapped negative. Both now read as no number, and
    /// the calls around them keep their durations.
    @Test func rawFuncgraphHexPastInt64DoesNotTrap() throws {
        let text = """
              sh-1 [000] .....  1.000001: funcgraph_entry: func=f depth=0xffffffffbafffffffbaabc100
              sh-1 [000] .....  1.000002: funcgraph_exit: func=f calltime=0x10 rettime=0x8000000000000001 overrun=0x0 depth=0
              sh-1 [000] .....  1.000003: funcgraph_entry: func=g depth=0
              sh-1 [000] .....  1.000004: funcgraph_exit: func=g calltime=0x1000 rettime=0x1400 overrun=0x0 depth=0

            """
        let tree = CallTree(store: Self.store(text))
        let g = try #require((0..<tree.count).first { tree.name($0) == "g" })
        #expect(tree.total[g] == 0x400)
        #expect((0..<tree.count).allSatisfy { tree.total[$0] >= 0 })
    }

    /// Found by the fuzzer (export target, minimized): a call starting at the latest time an ftrace timestamp
    /// holds (9223372036.854775 s), plus its duration, trapped placing the Chrome trace's complete events.
    @Test func chromeExportOfACallAtTheLastTimestampDoesNotTrap() {
        let text = "h-1 [00] 9223372036.854775:\n 0) }\n0) 1us| }x1\n1-1 [0]8: "
        #expect(Self.parsesAsJSON(Self.export(.chrome, Self.store(text))))
    }

    @Test func hugeCPUNumberIsAnUnparsedLine() {
        let s = Self.store("555555260) | f();\n  bash-1 [9999] ....  1.000001: x: a=1\n  bash-1 [001] ....  1.000002: x: a=1\n")
        #expect(s.summary.byCPU.keys.sorted() == [1])
        #expect(s.summary.unparsed == 2)
    }

    /// Found by the fuzzer: call durations summing past Int64.max in the hotspot table and the call tree.
    @Test func callDurationsSummingPastInt64Saturate() throws {
        var text = "# tracer: function_graph\n"
        for _ in 0..<3 { text += " 0) 9000000000000000.000 us |  f();\n" }
        let source = HotspotSource(store: Self.store(text))
        let calls = try #require(source.calls)
        #expect(calls.count == 3)
        #expect(source.table().entryCount == 1)
        #expect(CallPathTree(calls).nodes.first?.total == .max)
        #expect(CallPathTree(calls).text().contains("9223372036.855 s"))
        #expect(TimeFormat.duration(nanoseconds: .min) == "-9223372036.855 s")
    }

    /// Found by the fuzzer: a folded count of `9223372036e854775807` is infinite as a Double; the SVG trapped.
    @Test func infiniteFoldedCountIsLeftOutOfTheFlameGraph() {
        let stacks = FoldedInput.parse(Array("a;b 9223372036e854775807\na;c 3\n".utf8))
        #expect(stacks.map(\.count) == [3])
        #expect(FlameGraphSVG().render(stacks).hasSuffix("</svg>\n"))
    }

    @Test func typedTimesPastInt64AreRefused() {
        #expect(TimeFormat.parseTimestamp("99999999999999", clock: .seconds) == nil)
        #expect(throws: FilterSyntaxError.self) {
            _ = try RowMatcher(try FilterExpression.parse("time > 99999999999999"), store: EventStore())
        }
    }

    // MARK: - durations and times

    /// Given an unsorted log, the duration runs from the earliest to the latest time, never negative.
    @Test func unsortedLogHasAPositiveDuration() {
        let s = Self.store("""
              bash-1 [000] ....  5.000000: x: a=1
              bash-1 [000] ....  1.000000: x: a=2
              bash-1 [000] ....  3.000000: x: a=3

            """)
        #expect(s.summary.firstTimestamp == 5_000_000_000)
        #expect(s.summary.lastTimestamp == 3_000_000_000)
        #expect(s.summary.duration == 4_000_000_000)
    }

    // MARK: - safe output

    @Test func terminalTextEscapesControlCharacters() {
        let hostile = "comm\u{1B}]52;c;aGk=\u{07}\u{9B}2J\u{7F}"
        #expect(SafeText.terminal(hostile) == "comm\\x1b]52;c;aGk=\\x07\\x9b2J\\x7f")
        #expect(SafeText.terminal("a\tb\nc") == "a\tb\nc")
        #expect(SafeText.terminal("a\nb", keepLines: false) == "a\\x0ab")
        #expect(SafeText.terminal("plain ünïcödé") == "plain ünïcödé")
    }

    /// Given a line holding ESC sequences and invalid UTF-8, then the Chrome JSON and the CSV of it parse and hold
    /// neither raw: JSON escapes by its own rule and both show the bad byte as U+FFFD.
    @Test func chromeAndCSVOutputOfInvalidUTF8AndControls() throws {
        var line = Array("  ev\u{1B}[2J-1 [000] ....  1.000001: x: name=\"a".utf8)
        line += [0xFF, 0xC3, 0x28, 0xE2, 0x82]
        line += Array("\u{1B}]0;pwned\u{07}\" v=\u{9B}1\n".utf8)
        let store = EventStore(parsing: OwnedBytes(line))
        #expect(store.summary.events == 1)
        for format in [ExportFormat.chrome, .csv] {
            let bytes = Self.export(format, store)
            #expect(!bytes.isEmpty)
            #expect(!bytes.contains(0x1B), "\(format): raw ESC")
            #expect(!bytes.contains(0x07), "\(format): raw BEL")
            #expect(String(validatingUTF8: bytes.map { CChar(bitPattern: $0) } + [0]) != nil, "\(format): invalid UTF-8")
            #expect(!String(decoding: bytes, as: UTF8.self).contains("\u{9B}"), "\(format): raw CSI")
            if format == .chrome { #expect(Self.parsesAsJSON(bytes)) }
        }
        #expect(JSONWriter.quoted("a\u{1B}\u{85}") == "\"a\\u001b\\u0085\"")
    }
}
