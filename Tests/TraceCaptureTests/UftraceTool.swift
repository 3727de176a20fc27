import Foundation
import Testing
@testable import TraceCapture
@testable import TraceModel

/// uftrace itself, for tests that compare tracetui's answer with `uftrace report` / `uftrace replay` on the
/// same recording: a program compiled with `gcc -pg`, recorded here, or the recording kept in
/// `Tests/Fixtures/uftrace` where uftrace or gcc is missing.
enum UftraceTool {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/uftrace").path

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
            return "\(dir)/\(tool)"
        }
        return nil
    }

    static var available: Bool { which("uftrace") != nil && which("gcc") != nil }

    /// Runs a command; its standard output.
    @discardableResult
    static func run(_ args: [String], in dir: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0])
        p.arguments = Array(args.dropFirst())
        if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// A recording of `Tests/Fixtures/uftrace/NAME.c` made now (nil when uftrace or gcc is missing or refuses):
    /// the uftrace.data directory.
    static func record(_ name: String, options: [String] = []) -> String? {
        guard let uftrace = which("uftrace"), let gcc = which("gcc") else {
            print("uftrace or gcc is missing: comparing with the recording kept in Tests/Fixtures/uftrace only")
            return nil
        }
        let dir = NSTemporaryDirectory() + "tracetui-uftrace-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        do {
            try run([gcc, "-pg", "-O0", "-o", "\(dir)/prog", "\(fixtures)/\(name).c", "-lpthread"])
            try run([uftrace, "record"] + options + ["-d", "\(dir)/uftrace.data", "\(dir)/prog"], in: dir)
        } catch {
            print("uftrace cannot record here: \(error)")
            return nil
        }
        guard FileManager.default.fileExists(atPath: "\(dir)/uftrace.data/info") else {
            print("uftrace recorded nothing here")
            return nil
        }
        return "\(dir)/uftrace.data"
    }

    static func output(_ command: String, _ data: String, _ extra: [String] = []) throws -> String {
        try run([which("uftrace")!, command] + extra + ["-d", data])
    }

    /// One line of `uftrace report`: `  146.368 ms  146.368 ms           4  linux:schedule`.
    struct ReportEntry: Equatable {
        var total: Int64
        var selfTime: Int64
        var calls: Int64
    }

    /// `uftrace report`'s table by function name (times in ns, to the printed precision).
    static func parseReport(_ text: String) -> [String: ReportEntry] {
        var out: [String: ReportEntry] = [:]
        for line in text.split(separator: "\n") {
            let t = line.split(separator: " ", omittingEmptySubsequences: true)
            guard t.count >= 6, let total = time(t[0], t[1]) else { continue }
            // " s" is printed with a space before it: the unit is then its own token.
            var k = 2
            guard let selfTime = time(t[k], t[k + 1]) else { continue }
            k += 2
            guard let calls = Int64(t[k]) else { continue }
            let name = t[(k + 1)...].joined(separator: " ")
            out[name] = ReportEntry(total: total, selfTime: selfTime, calls: calls)
        }
        return out
    }

    static func time(_ value: Substring, _ unit: Substring) -> Int64? {
        guard let v = Double(value) else { return nil }
        let scale: Double
        switch unit {
        case "ns": scale = 1
        case "us": scale = 1e3
        case "ms": scale = 1e6
        case "s": scale = 1e9
        case "m": scale = 60e9
        case "h": scale = 3600e9
        default: return nil
        }
        return Int64((v * scale).rounded())
    }

    /// The function-duration table tracetui builds for a file or directory.
    static func durations(_ path: String) async throws -> [String: ReportEntry] {
        let source = try await HotspotLoader.load(try TraceInput(path: path, populate: true))
        let table = source.table(keys: nil, children: false)
        #expect(table.kind == .durations)
        var out: [String: ReportEntry] = [:]
        for e in 0..<table.entryCount {
            out[table.label(.symbol, of: e)] = ReportEntry(total: table.childrenValue[e], selfTime: table.selfValue[e],
                                                           calls: table.countValue[e])
        }
        return out
    }

    /// Every function of `uftrace report` has the same calls, and total and self time within `slack` ns
    /// (the printed precision, and what a text input lost by printing).
    static func expectSame(_ ours: [String: ReportEntry], as theirs: [String: ReportEntry], slack: (ReportEntry) -> Int64,
                           except: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!theirs.isEmpty, sourceLocation: sourceLocation)
        for (name, want) in theirs where !except.contains(name) {
            guard let got = ours[name] else {
                Issue.record("\(name) is missing (uftrace report: \(want))", sourceLocation: sourceLocation)
                continue
            }
            let tolerance = slack(want)
            #expect(got.calls == want.calls, "\(name) calls", sourceLocation: sourceLocation)
            #expect(abs(got.total - want.total) <= tolerance, "\(name) total \(got.total) vs \(want.total)",
                    sourceLocation: sourceLocation)
            #expect(abs(got.selfTime - want.selfTime) <= tolerance, "\(name) self \(got.selfTime) vs \(want.selfTime)",
                    sourceLocation: sourceLocation)
        }
    }

    /// The printed precision of a time: 3 decimals of its unit.
    static func precision(_ ns: Int64) -> Int64 { ns >= 1_000_000_000 ? 1_000_000 : ns >= 1_000_000 ? 1000 : 1 }
}
