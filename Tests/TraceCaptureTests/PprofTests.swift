import Foundation
import Testing
@testable import TraceCapture
@testable import TraceModel

/// `dump --format pprof` read back by a real pprof reader: `go tool pprof -top` must print the functions and
/// totals of `tracetui report` — flat as the table's self, cum as its children (samples) or total (calls).
@Suite("pprof profiles read by go tool pprof", .serialized)
struct PprofTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let go = UftraceTool.which("go")

    struct Row: Equatable {
        var flat: Int64
        var cum: Int64
    }

    /// `go tool pprof -top` over every node: function name → flat and cum (in ns for time profiles).
    static func pprofTop(_ file: String, sampleIndex: String? = nil) throws -> [String: Row] {
        var args = [go!, "tool", "pprof", "-top", "-nodecount=100000", "-nodefraction=0", "-edgefraction=0",
                    "-unit=ns", "-symbolize=none"]
        if let sampleIndex { args.append("-sample_index=\(sampleIndex)") }
        let text = try UftraceTool.run(args + [file])
        var rows: [String: Row] = [:]
        var inTable = false
        for line in text.split(separator: "\n") {
            if line.contains("flat%") { inTable = true; continue }
            guard inTable else { continue }
            let t = line.split(separator: " ", omittingEmptySubsequences: true)
            guard t.count >= 6 else { continue }
            func number(_ s: Substring) -> Int64? { Int64(s.hasSuffix("ns") ? s.dropLast(2) : s) }
            guard let flat = number(t[0]), let cum = number(t[3]) else { continue }
            rows[t[5...].joined(separator: " ")] = Row(flat: flat, cum: cum)
        }
        return rows
    }

    /// Writes `input`'s profile, reads it with go tool pprof and compares with the symbol table of `report`.
    static func expectSameAsReport(_ input: String, sampleIndex: String? = nil,
                                   sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let source = try await HotspotLoader.load(try TraceInput(path: input, populate: true))
        let profile = try #require(PprofProfile(source))
        let path = NSTemporaryDirectory() + "tracetui-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).pb.gz"
        defer { unlink(path) }
        let bytes = try PprofWriter.data(profile)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect(bytes.starts(with: [0x1F, 0x8B]), "gzipped, as profile.proto asks", sourceLocation: sourceLocation)
        let top = try pprofTop(path, sampleIndex: sampleIndex)
        let table = source.table(keys: [.symbol], children: true)
        #expect(table.entryCount > 0, sourceLocation: sourceLocation)
        #expect(top.count == table.entryCount, "one pprof node per function", sourceLocation: sourceLocation)
        for e in 0..<table.entryCount {
            let name = table.label(.symbol, of: e)
            guard let row = top[name] else {
                Issue.record("\(name) is not in pprof's top", sourceLocation: sourceLocation)
                continue
            }
            #expect(row.flat == table.selfValue[e], "\(name) flat", sourceLocation: sourceLocation)
            #expect(row.cum == table.childrenValue[e], "\(name) cum", sourceLocation: sourceLocation)
        }
    }

    /// Samples with callchains (perf record -g of tracetui-spin, through perf script): perf's periods.
    @Test(.enabled(if: go != nil, "go (Debian's golang-go) is not installed"))
    func perfSamplesWithCallchains() async throws {
        try await Self.expectSameAsReport(Self.fixtures + "/perf-spin.script.txt")
    }

    /// Function durations (uftrace replay text of a recursive program): pprof's cum is the table's total,
    /// recursion counted once by both.
    @Test(.enabled(if: go != nil, "go (Debian's golang-go) is not installed"))
    func functionDurations() async throws {
        try await Self.expectSameAsReport(Self.fixtures + "/uftrace/recursion.replay.txt")
    }

    /// What the viewer's `x` writes (PprofWriter.write(store:tree:to:)) is the profile `dump` writes.
    @Test func theViewersEntryWritesTheSameProfile() async throws {
        let input = try TraceInput(path: Self.fixtures + "/uftrace/recursion.replay.txt")
        let store = try await input.load()
        var written: [UInt8] = []
        var sink = ByteSink { written += $0 }
        let samples = try PprofWriter.write(store: store, tree: nil, to: &sink)
        let profile = try #require(PprofProfile(HotspotSource(store: store)))
        #expect(samples == profile.samples.count)
        #expect(written == (try PprofWriter.data(profile)))
        var empty = ByteSink { _ in }
        #expect(throws: ExportError.self) {
            try PprofWriter.write(store: EventStore(), tree: nil, to: &empty)
        }
        #expect(ExportFormat.pprof.fileExtension == "pb.gz")
    }

    /// Real perf script logs of other machines (`../shared/samples`), where present.
    @Test(.enabled(if: go != nil, "go (Debian's golang-go) is not installed"))
    func sharedPerfScriptSamples() async throws {
        let dir = (ProcessInfo.processInfo.environment["TRACETUI_SAMPLES"]
            ?? URL(fileURLWithPath: Self.fixtures).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("shared/samples").path) + "/perf-script"
        let names = ["flamegraph-test-perf-dd-stacks-01.txt", "flamegraph-test-perf-java-stacks-02.txt",
                     "speedscope-linux-perf-simple-with-pid.txt"]
        var found = 0
        for name in names where FileManager.default.fileExists(atPath: "\(dir)/\(name)") {
            found += 1
            try await Self.expectSameAsReport("\(dir)/\(name)")
        }
        if found == 0 { print("no shared perf script samples at \(dir): skipped") }
    }
}
