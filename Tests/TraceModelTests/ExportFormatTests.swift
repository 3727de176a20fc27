import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TraceModel

/// Chrome trace-event JSON read and written, CSV of the stream, flame graph SVG from folded stacks.
@Suite("Export formats")
struct ExportFormatTests {
    static func store(_ bytes: [UInt8]) -> EventStore {
        let storage = OwnedBytes(bytes)
        let header = TraceHeaderScan.scan(storage.bytes)
        var store = EventStore()
        store.append(PieceParser(tracer: header.tracer).parse(storage, range: 0..<bytes.count))
        return store
    }

    static func export(_ format: ExportFormat, _ store: EventStore) throws -> [UInt8] {
        var out: [UInt8] = []
        var sink = ByteSink(threshold: 4096) { out.append(contentsOf: $0) }
        try Exporter.write(format, store: store, tree: nil, to: &sink)
        return out
    }

    static func json(_ bytes: [UInt8]) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        return try #require(object?["traceEvents"] as? [[String: Any]])
    }

    static func chromeStore(_ json: [UInt8]) throws -> EventStore {
        store(try json.withUnsafeBytes { try ChromeTraceReader.ftraceText($0) })
    }

    // MARK: - round trip

    @Test("text → store → Chrome JSON → read back gives the same calls and durations", arguments: [
        "function_graph/kernel-doc-ftrace-basic-sys_open.txt",
        "function_graph/perf-tools-funcgraph-do_nanosleep-context-switch.txt",
        "function_graph/junixcn-perf-ftrace-irq-markers-context-switch.txt",
        "trace-cmd-report/trace-cmd-doc-record-function_graph-irq_handler.txt",
    ])
    func chromeRoundTripKeepsCalls(_ path: String) throws {
        let original = Self.store(try CallTreeSamples.bytes(path))
        let tree = CallTree(store: original)
        #expect(tree.count > 0)
        let json = try Self.export(.chrome, original)
        let events = try Self.json(json)
        let calls = events.filter { $0["ph"] as? String == "X" && $0["cat"] as? String == "function" }
        #expect(calls.count == tree.count)
        let back = CallTree(store: try Self.chromeStore(json))
        #expect(back.count == tree.count)
        #expect(CallPathTree(back).text() == CallPathTree(tree).text())
        #expect(back.total.reduce(0, +) == tree.total.reduce(0, +))
    }

    @Test func generatedFunctionGraphRoundTrips() throws {
        let text = "# tracer: function_graph\n" + (0..<40).map { k in
            " 1)               |  outer\(k % 3)() {\n 1)   0.\(100 + k) us    |    leaf();\n 1)   \(2 + k).250 us    |  }\n"
        }.joined()
        let original = Self.store(Array(text.utf8))
        let back = CallTree(store: try Self.chromeStore(try Self.export(.chrome, original)))
        let tree = CallTree(store: original)
        #expect(back.count == 80)
        #expect(CallPathTree(back).text() == CallPathTree(tree).text())
    }

    // MARK: - reading Chrome JSON

    /// What `uftrace dump --chrome` writes: B/E pairs per thread, thread names in metadata.
    static let uftraceLike = """
    {"traceEvents":[
    {"ts":10,"ph":"B","pid":100,"tid":100,"name":"main"},
    {"ts":10.5,"ph":"B","pid":100,"tid":100,"name":"foo"},
    {"ts":11,"ph":"B","pid":100,"tid":101,"name":"worker"},
    {"ts":12.25,"ph":"E","pid":100,"tid":100,"name":"foo"},
    {"ts":13,"ph":"X","dur":2.5,"pid":100,"tid":101,"name":"bar baz(int)"},
    {"ts":14,"ph":"i","s":"t","pid":100,"tid":100,"name":"mark","args":{"n":3,"msg":"hi there"}},
    {"ts":20,"ph":"E","pid":100,"tid":100,"name":"main"},
    {"ts":0,"ph":"M","pid":100,"tid":100,"name":"thread_name","args":{"name":"t-main"}},
    {"ts":0,"ph":"M","pid":100,"name":"process_name","args":{"name":"a.out"}}
    ], "displayTimeUnit": "ns"}
    """

    @Test func uftraceChromeOutputNestsCallsPerThread() throws {
        let store = try Self.chromeStore(Array(Self.uftraceLike.utf8))
        let tree = CallTree(store: store)
        #expect(tree.count == 4)
        let byName = Dictionary(uniqueKeysWithValues: (0..<tree.count).map { (tree.name($0), $0) })
        let main = try #require(byName["main"]), foo = try #require(byName["foo"])
        let worker = try #require(byName["worker"]), bar = try #require(byName["bar_baz_int)"])
        #expect(tree.total[main] == 10_000)
        #expect(tree.total[foo] == 1_750)
        #expect(tree.parent[foo] == Int32(main))
        #expect(tree.parent[bar] == Int32(worker), "calls of another thread do not nest under main")
        #expect(tree.flags[worker].contains(.unfinished))
        #expect(tree.taskNames[Int(tree.task[main])] == "t-main-100")
        #expect(tree.taskNames[Int(tree.task[worker])] == "a.out-101")
        let mark = try #require((0..<store.count).first { store.eventNames[Int(store.row($0).event)] == "mark" })
        #expect(store.payloadText(mark) == "s=t n=3 msg=\"hi there\"")
        #expect(store.row(mark).timestamp == 14_000)
    }

    @Test func aBareArrayWithoutItsClosingBracketIsRead() throws {
        let text = "[{\"name\":\"a\",\"ph\":\"X\",\"ts\":1,\"dur\":2,\"pid\":1,\"tid\":1},\n{\"name\":\"b\",\"ph\":\"X\",\"ts\":1.5,\"dur\":1,\"pid\":1,\"tid\":1},\n"
        #expect(InputFormat.detect(Array(text.utf8)) == .chromeJSON)
        let tree = CallTree(store: try Self.chromeStore(Array(text.utf8)))
        #expect(tree.count == 2)
        #expect(tree.parent[1] == 0)
    }

    @Test func brokenJSONIsAnError() {
        #expect(throws: JSONError.self) {
            _ = try Array("{\"traceEvents\":[{\"ph\":\"X\",".utf8).withUnsafeBytes { try ChromeTraceReader.ftraceText($0) }
        }
    }

    // MARK: - writing Chrome JSON

    /// Derived with a Python one-off over the file: 26,222 event lines; 1,730 sched_switch lines with
    /// next_comm on 2 CPUs, each CPU's last switch before the trace's last timestamp, so 1,730 slices.
    @Test func eventsBecomeInstantsWithArgsAndSwitchesBecomeCPUSlices() throws {
        let store = Self.store(try CallTreeSamples.bytes("events/tracetui-vm-6.18-default-5char-syscalls.txt"))
        let events = try Self.json(try Self.export(.chrome, store))
        let instants = events.filter { $0["ph"] as? String == "i" }
        #expect(instants.count == 26_222)
        let slices = events.filter { $0["cat"] as? String == "sched" }
        #expect(slices.count == 1_730)
        let wakeup = try #require(instants.first { $0["name"] as? String == "sched_wakeup" })
        let args = try #require(wakeup["args"] as? [String: Any])
        #expect(args["prio"] as? Int != nil)
        #expect(args["comm"] as? String != nil)
        let threads = events.filter { $0["ph"] as? String == "M" && $0["name"] as? String == "thread_name" }
        #expect(threads.contains { ($0["args"] as? [String: Any])?["name"] as? String == "CPU 1" })
    }

    /// What chrome://tracing and Perfetto's importer need of each event (the trace-event format's rules): a name,
    /// a known phase, numeric ts/pid/tid; `X` with a duration ≥ 0; instants with a scope; metadata naming
    /// threads; and complete events of one thread properly nested (Perfetto drops a slice that ends after its
    /// parent).
    @Test("Chrome JSON written follows the trace-event format", arguments: [
        "function_graph/perf-tools-funcgraph-do_nanosleep-context-switch.txt",
        "function_graph/junixcn-perf-ftrace-irq-markers-context-switch.txt",
        "trace-cmd-report/trace-cmd-doc-record-function_graph-irq_handler.txt",
        "events/tracetui-vm-6.18-default-5char-syscalls.txt",
    ])
    func chromeOutputFollowsTheTraceEventFormat(_ path: String) throws {
        let events = try Self.json(try Self.export(.chrome, Self.store(try CallTreeSamples.bytes(path))))
        #expect(!events.isEmpty)
        var slices: [String: [(start: Double, end: Double)]] = [:]
        for e in events {
            let ph = try #require(e["ph"] as? String)
            #expect(["X", "i", "M"].contains(ph), "phase \(ph)")
            #expect(!((e["name"] as? String) ?? "").isEmpty)
            #expect(e["pid"] is NSNumber, "\(e)")
            if ph == "M" {
                let name = e["name"] as? String ?? ""
                #expect(["thread_name", "process_name", "thread_sort_index", "process_sort_index"].contains(name))
                #expect(!name.hasPrefix("thread_") || e["tid"] is NSNumber, "\(e)")
                continue
            }
            #expect(e["tid"] is NSNumber, "\(e)")
            let ts = try #require((e["ts"] as? NSNumber)?.doubleValue, "ts of \(e)")
            if ph == "X" {
                let dur = try #require((e["dur"] as? NSNumber)?.doubleValue, "dur of \(e)")
                #expect(dur >= 0)
                slices["\(e["pid"]!)/\(e["tid"]!)", default: []].append((ts, ts + dur))
            } else {
                #expect(["g", "p", "t"].contains(e["s"] as? String ?? ""), "instant scope in \(e)")
            }
        }
        for (thread, list) in slices {
            var open: [Double] = []
            for s in list.sorted(by: { ($0.start, -$0.end) < ($1.start, -$1.end) }) {
                while let top = open.last, top <= s.start + 0.0005 { open.removeLast() }
                if let top = open.last {
                    #expect(s.end <= top + 0.0005, "slice \(s) ends after its parent (ends \(top)) on \(thread)")
                }
                open.append(s.end)
            }
        }
    }

    // MARK: - CSV

    @Test func csvHasOneRowPerLineAndQuotesCommas() throws {
        let store = Self.store(try CallTreeSamples.bytes("events/tracetui-vm-6.18-default-5char-syscalls.txt"))
        let text = String(decoding: try Self.export(.csv, store), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.first == "row,time,cpu,task,pid,event,details")
        #expect(lines.count == store.count + 1)
        #expect(lines[1] == "0,1720.071781000,0,bash,15638,sys_enter_openat,\"sys_openat(dfd: 0xffffff9c, filename: 0x558dd248f030, flags: 0x241, mode: 0x1b6)\"")
    }

    // MARK: - SVG

    final class XMLCheck: NSObject, XMLParserDelegate {
        var rects = 0
        var titles = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "rect" { rects += 1 }
            if name == "title" { titles += 1 }
        }
    }

    static func checkSVG(_ svg: String) -> (wellFormed: Bool, rects: Int, titles: Int) {
        let parser = XMLParser(data: Data(svg.utf8))
        let check = XMLCheck()
        parser.delegate = check
        return (parser.parse(), check.rects, check.titles)
    }

    /// Frames = distinct stack prefixes + the root, derived by a Python one-off over each file.
    @Test("The SVG is well-formed XML with one frame per merged stack frame", arguments: [
        ("folded/flamegraph-test-results-perf-java-stacks-01-collapsed-pid.txt", 274),
        ("folded/speedscope-stackcollapse-simple-with-invalids.txt", 5),
        ("folded/speedscope-stackcollapse-simple-utf16-le.txt", 5),
        ("folded/speedscope-stackcollapse-recursion.txt", 12),
    ])
    func svgFromFoldedStacks(_ path: String, _ frames: Int) throws {
        let stacks = FoldedInput.parse(try CallTreeSamples.bytes(path))
        #expect(FlameGraphSVG.frameCount(stacks) == frames)
        let check = Self.checkSVG(FlameGraphSVG(title: "t <&> \"q\"").render(stacks))
        #expect(check.wellFormed)
        #expect(check.rects == frames + 1, "one per frame plus the background")
        #expect(check.titles == frames)
    }

    @Test func foldedFilesAreDetectedByContent() throws {
        for path in ["folded/flamegraph-test-results-perf-java-stacks-01-collapsed-pid.txt",
                     "folded/speedscope-stackcollapse-recursion.txt"] {
            #expect(InputFormat.detect(try CallTreeSamples.bytes(path)) == .folded, "\(path)")
        }
        #expect(InputFormat.detect(try CallTreeSamples.bytes("perf-script/speedscope-linux-perf-simple.txt")) == .perfScript)
        #expect(InputFormat.detect(try CallTreeSamples.bytes("trace-cmd-report/trappy-tests-trace_sched.txt")) == .traceCmdReport)
        #expect(InputFormat.detect(try CallTreeSamples.bytes("function_graph/kernel-doc-ftrace-basic-sys_open.txt")) == .ftraceText)
    }

    @Test func svgOfAFunctionGraphTraceWeighsSelfTime() throws {
        let store = Self.store(try CallTreeSamples.bytes("function_graph/kernel-doc-ftrace-basic-sys_open.txt"))
        let svg = String(decoding: try Self.export(.svg, store), as: UTF8.self)
        let check = Self.checkSVG(svg)
        #expect(check.wellFormed)
        #expect(check.rects == 14, "12 distinct call paths + the root + the background")
        #expect(svg.contains("<title>all (9700 ns, 100%)</title>"))
    }
}

/// Detection on every sample: text logs stay text whatever they hold; perf script and folded files are told apart.
@Suite("Input detection on the samples")
struct InputDetectionTests {
    static func files(_ dir: String) -> [String] {
        let root = SampleFiles.root + "/" + dir
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted().map { dir + "/" + $0 }
    }

    @Test func everySampleIsDetectedAsItsKind() throws {
        var checked = 0
        for dir in ["events", "function", "latency", "function_graph", "trace-cmd-report"] {
            for path in Self.files(dir) {
                let kind = InputFormat.detect(try CallTreeSamples.bytes(path))
                #expect(kind == .ftraceText || kind == .traceCmdReport, "\(path): \(kind)")
                checked += 1
            }
        }
        for path in Self.files("perf-script") {
            #expect(InputFormat.detect(try CallTreeSamples.bytes(path)) == .perfScript, "\(path)")
            checked += 1
        }
        for path in Self.files("folded") where !path.contains("utf16") {
            #expect(InputFormat.detect(try CallTreeSamples.bytes(path)) == .folded, "\(path)")
            checked += 1
        }
        #expect(checked > 100)
    }
}

extension ExportFormatTests {
    @Test func callPathsAsCSVMatchTheGraphTable() throws {
        let store = Self.store(try CallTreeSamples.bytes("function_graph/kernel-doc-ftrace-basic-sys_open.txt"))
        let paths = CallPathTree(CallTree(store: store))
        var out: [UInt8] = []
        var sink = ByteSink { out.append(contentsOf: $0) }
        let n = CSVWriter.callPaths(paths, to: &sink)
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(n == paths.nodes.count)
        #expect(lines.count == paths.nodes.count + 1)
        #expect(lines[0] == Substring(CSVWriter.callPathHeader))
        // The first root and its first child, from `tracetui graph` on the same file: sys_open 9.700 µs,
        // do_sys_open 9.700 µs, both left open by the trace's end.
        #expect(lines[1] == "sys_open,sys_open,0,1,9700,0,9700,9700,9700,1")
        #expect(lines[2].hasPrefix("sys_open;do_sys_open,do_sys_open,1,1,9700,"))
    }
}
