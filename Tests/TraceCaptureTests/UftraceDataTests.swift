import Foundation
import Testing
@testable import TraceCapture
@testable import TraceModel

/// A uftrace.data directory read natively (records, symbols, perf context switches, arguments and return
/// values) against `uftrace replay` and `uftrace report` on the same directory: the recordings kept in
/// `Tests/Fixtures/uftrace` (recursion.c: direct and mutual recursion, a call that sleeps, three threads), and
/// a new recording where uftrace and gcc are installed.
@Suite("uftrace.data read natively", .serialized)
struct UftraceDataTests {
    static let fixtures = UftraceTool.fixtures

    /// One replay line cut in two: its duration (ns, nil when blank) and the rest (`[  tid] | text`).
    struct ReplayLine: Equatable {
        var duration: Int64?
        var text: String
    }

    /// `uftrace replay` text per thread, in order (threads interleave differently when times tie).
    static func replayByThread(_ text: String) -> [String: [ReplayLine]] {
        var out: [String: [ReplayLine]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { continue }
            let head = line[..<open].split(separator: " ")
            // With a TIMESTAMP column (tracetui's text) the duration is the last two tokens before the tid.
            var duration: Int64?
            if head.count >= 2, let t = UftraceTool.time(head[head.count - 2], head[head.count - 1]) { duration = t }
            let tid = String(line[open...close])
            let rest = String(line[line.index(after: close)...]).replacingOccurrences(of: " +$", with: "",
                                                                                      options: .regularExpression)
            out[tid, default: []].append(ReplayLine(duration: duration, text: rest))
        }
        return out
    }

    /// Same lines per thread; durations equal to the printed precision (uftrace truncates to 3 decimals).
    static func expectSameReplay(ours: String, theirs: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let a = replayByThread(ours), b = replayByThread(theirs)
        #expect(a.keys.sorted() == b.keys.sorted(), sourceLocation: sourceLocation)
        #expect(!b.isEmpty, sourceLocation: sourceLocation)
        for (tid, want) in b {
            let got = a[tid] ?? []
            #expect(got.map(\.text) == want.map(\.text), "thread \(tid)", sourceLocation: sourceLocation)
            for (g, w) in zip(got, want) {
                guard let wd = w.duration else {
                    #expect(g.duration == nil, "\(tid) \(w.text)", sourceLocation: sourceLocation)
                    continue
                }
                let gd = g.duration ?? -1
                #expect(gd >= wd && gd - wd < UftraceTool.precision(wd), "\(tid) \(w.text): \(gd) vs \(wd)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    static func ourReplay(_ dir: String) throws -> String {
        let text = try #require(try UftraceDataDirectory.replayText(path: dir))
        return String(decoding: text, as: UTF8.self)
    }

    /// Given the kept recording, when tracetui reads the directory, then each thread's lines are uftrace
    /// replay's (calls, leaves, `linux:sched-out`/`sched-in` from the perf records), durations exact.
    @Test func fixtureReplaysAsUftraceDoes() throws {
        Self.expectSameReplay(ours: try Self.ourReplay(Self.fixtures + "/recursion.data"),
                              theirs: try String(contentsOfFile: Self.fixtures + "/recursion.replay.txt", encoding: .utf8))
    }

    /// Arguments and return values recorded with `-A fib@arg1 -R fib@retval`: `fib(10) {`, `fib(1) = 1;`.
    @Test func fixtureArgumentsAndReturnValues() throws {
        let ours = try Self.ourReplay(Self.fixtures + "/recursion-args.data")
        #expect(ours.contains("fib(10) {"))
        #expect(ours.contains("} = 55; /* fib */"))
        Self.expectSameReplay(ours: ours, theirs: try String(contentsOfFile: Self.fixtures + "/recursion-args.replay.txt",
                                                             encoding: .utf8))
    }

    /// The duration table of the directory is uftrace report's, to its printed precision.
    @Test func fixtureReportsAsUftraceDoes() async throws {
        for name in ["recursion", "recursion-args"] {
            let theirs = UftraceTool.parseReport(try String(contentsOfFile: "\(Self.fixtures)/\(name).report.txt",
                                                            encoding: .utf8))
            let ours = try await UftraceTool.durations("\(Self.fixtures)/\(name).data")
            UftraceTool.expectSame(ours, as: theirs, slack: { UftraceTool.precision($0.total) })
        }
    }

    /// stat, graph, dump and replay open the directory through TraceInput like any trace.
    @Test func theDirectoryOpensAsATrace() async throws {
        let input = try TraceInput(path: Self.fixtures + "/recursion.data")
        #expect(input.format == .ftraceText)
        let summary = try await input.summarize()
        #expect(summary.unparsed == 0)
        #expect(summary.byEvent["funcgraph_entry"] == 337)
        let tree = CallTree(store: try await input.load())
        #expect(tree.roots.map { tree.name(Int($0)) }.contains("main"))
        #expect(!UftraceDataDirectory.isUftraceData(Self.fixtures))
    }

    @Test func aNewRecordingReplaysAndReportsAsUftraceDoes() async throws {
        guard let data = UftraceTool.record("recursion", options: ["-A", "fib@arg1", "-R", "fib@retval"]) else { return }
        defer { try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent) }
        Self.expectSameReplay(ours: try Self.ourReplay(data), theirs: try UftraceTool.output("replay", data))
        let theirs = UftraceTool.parseReport(try UftraceTool.output("report", data))
        UftraceTool.expectSame(try await UftraceTool.durations(data), as: theirs,
                               slack: { UftraceTool.precision($0.total) })
    }
}
