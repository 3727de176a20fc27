import Foundation
import Screen
import Testing
import TraceCapture
import TraceModel
@testable import TraceTUI

/// The hotspot view's srcline and symbol_size keys (`s`): built by a background job from each sample's address,
/// looked up by the code `tracetui report --sort srcline` uses (`SourceLineResolver`), and checked against
/// `perf report --stdio --no-children --sort srcline` / `--sort symbol_size` of the same recording — the one kept
/// in Tests/Fixtures/hotspots-leaves, and one made here where perf can record.
@Suite("Hotspot srcline and symbol_size keys", .serialized)
struct HotspotLeafKeysTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = tests.appendingPathComponent("Fixtures/hotspots-leaves").path

    /// The kept recording, its binary pointed at the copy kept beside it.
    static func keptText() throws -> String {
        try String(contentsOfFile: fixtures + "/hot.script.txt", encoding: .utf8)
            .replacingOccurrences(of: "/tmp/tracetui-leaves/hot", with: fixtures + "/hot")
    }

    /// The lookups `tracetui` hands the viewer; `only` keeps them to one binary (the screens must not depend on
    /// this machine's loader and kernel, which the kept recording also hit).
    static func resolver(only binary: String? = nil) -> ResolveLeaves {
        { leaves, keys in SourceLineResolver.details(binary.map { b in leaves.filter { $0.dso == b } } ?? leaves, keys: keys) }
    }

    /// The app on the hotspot table after `s` until the table is by `keys`, every job run to its end.
    static func app(_ text: String, keys: [HotspotKey], resolve: ResolveLeaves?) async throws -> TraceApp {
        var app = HotspotScreenTests.app(text)
        app.leafResolver = resolve
        await app.press(.char("3"))
        for _ in 0..<HotspotKey.presets(for: .samples).count where app.hotspots?.keys != keys { await app.press(.char("s")) }
        #expect(app.hotspots?.keys == keys)
        return app
    }

    /// The view's entries as perf report prints them: the key cells joined by spaces, and the self percentage.
    static func entries(_ app: TraceApp) throws -> [String: Double] {
        let view = try #require(app.hotspots)
        var out: [String: Double] = [:]
        for e in view.table.order.map(Int.init) {
            let label = view.table.keys.map { view.table.label($0, of: e) }.joined(separator: " ")
            out[label, default: 0] += view.table.percent(view.table.selfValue[e])
        }
        return out
    }

    /// perf report's rows: `    66.75%  hot.c:6` → `hot.c:6`: 66.75 (its IPC columns, `-`, left out).
    static func perfEntries(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ").filter { $0 != "-" }
            guard parts.count >= 2, parts[0].hasSuffix("%"), let pct = Double(parts[0].dropLast()) else { continue }
            out[parts[1...].joined(separator: " "), default: 0] += pct
        }
        return out
    }

    @Test(arguments: [(80, 24), (20, 6)])
    func srclineAndSymbolSizeScreensMatchTheirGoldens(width: Int, height: Int) async throws {
        let resolve = Self.resolver(only: Self.fixtures + "/hot")
        var lines = try await Self.app(try Self.keptText(), keys: [.srcline], resolve: resolve)
        Golden.check(lines.draw(width: width, height: height), "hotspots-srcline-\(width)x\(height)")
        var sizes = try await Self.app(try Self.keptText(), keys: [.symbolSize], resolve: resolve)
        Golden.check(sizes.draw(width: width, height: height), "hotspots-symbol-size-\(width)x\(height)")
    }

    /// The kept recording: the hot loops' lines (the binary is kept beside it, so they resolve anywhere) and the
    /// hot functions' sizes have perf's shares.
    @Test func keptRecordingGivesPerfsLinesAndSizes() async throws {
        let app = try await Self.app(try Self.keptText(), keys: [.srcline], resolve: Self.resolver())
        let ours = try Self.entries(app)
        let perfs = Self.perfEntries(try String(contentsOfFile: Self.fixtures + "/perf-srcline.txt", encoding: .utf8))
        let hot = perfs.filter { $0.key.hasPrefix("hot.c:") }
        #expect(hot.count == 2 && hot.values.reduce(0, +) > 90, "perf's hot.c lines: \(perfs)")
        for (line, pct) in hot { #expect(abs((ours[line] ?? -1) - pct) <= 0.1, "\(line): \(ours[line] ?? -1) vs perf's \(pct)") }

        // Sizes by shared object and symbol (the kernel's and the loader's depend on this machine's): hot_a, hot_b.
        let store = EventStore(parsing: OwnedBytes(Array(try Self.keptText().utf8)))
        let table = LeafTable(store: store, resolve: Self.resolver())
            .build(source: HotspotSource(store: store), keys: [.dso, .symbol, .symbolSize], filter: HotspotFilter())
        var bySymbol: [String: Double] = [:]
        for e in table.order.map(Int.init) where table.label(.dso, of: e) == "hot" {
            bySymbol["hot [.] \(table.label(.symbol, of: e)) \(table.label(.symbolSize, of: e))"] = table.percent(table.selfValue[e])
        }
        let perfSizes = Self.perfEntries(try String(contentsOfFile: Self.fixtures + "/perf-dso-sym-symbol_size.txt", encoding: .utf8))
            .filter { $0.key.hasPrefix("hot ") }
        #expect(perfSizes.count == 2, "\(perfSizes)")
        #expect(Set(bySymbol.keys) == Set(perfSizes.keys), "ours \(bySymbol) vs perf's \(perfSizes)")
        for (row, pct) in perfSizes { #expect(abs((bySymbol[row] ?? -1) - pct) <= 0.1, "\(row)") }
    }

    /// perf report on a recording made here and the viewer on its perf script text: every entry of both tables
    /// (the loader's lines too, found by the sample's address where its symbol table has no such function), but
    /// frames perf could not name (`[unknown]`: perf names each by its address, tracetui merges them).
    @Test func recordingMadeHereMatchesPerfReport() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracetui-leafkeys-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = SampleRun.run("/bin/bash", [Self.tests.appendingPathComponent("record-hotspots.sh").path, dir])
        if made.status == 77 {
            print("viewer srcline comparison skipped: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(made.status == 0, "record-hotspots.sh: \(made.stderr)")
        let text = try String(contentsOfFile: dir + "/hot.script.txt", encoding: .utf8)
        for (key, perfKey) in [(HotspotKey.srcline, "srcline"), (.symbolSize, "symbol_size")] {
            let perf = SampleRun.run("/usr/bin/env", ["perf", "report", "-i", dir + "/hot.data", "--stdio", "--no-children",
                                                      "--sort", perfKey, "-g", "none"])
            #expect(perf.status == 0, "perf report --sort \(perfKey): \(perf.stderr)")
            let named: (String) -> Bool = { !$0.contains("unknown") }
            let theirs = Self.perfEntries(perf.stdout).filter { named($0.key) }
            let ours = try Self.entries(try await Self.app(text, keys: [key], resolve: Self.resolver())).filter { named($0.key) }
            #expect(theirs.count >= 2, "perf's \(perfKey): \(theirs)")
            #expect(Set(ours.keys) == Set(theirs.keys), "\(perfKey): ours \(ours) vs perf's \(theirs)")
            for (cell, pct) in theirs {
                #expect(abs((ours[cell] ?? -1) - pct) <= 0.1, "\(perfKey) \(cell): \(ours[cell] ?? -1) vs perf's \(pct)")
            }
        }
    }

    /// `s` to srcline hands the lookups to a job: the UI thread returns at once with the old table and
    /// "building…", and the job's result swaps the new one in.
    @Test func theLeafTableIsBuiltByABackgroundJob() async throws {
        var app = try await Self.app(try Self.keptText(), keys: [.cpu], resolve: Self.resolver(only: Self.fixtures + "/hot"))
        let effects = app.handle(.char("s"))
        #expect(app.hotspots?.keys == [.cpu])
        #expect(app.hotspots?.isBuilding == true)
        #expect(effects.contains { if case .run = $0 { return true } else { return false } })
        await app.settle(effects)
        #expect(app.hotspots?.keys == [.srcline])
        #expect(app.hotspots?.isBuilding == false)
        let top = try #require(app.hotspots.map { $0.table.label(.srcline, of: Int($0.table.order[0])) })
        #expect(top == "hot.c:6")
        // No callchains under a line.
        await app.press(.enter)
        #expect(app.message?.contains("no callchains") == true)
    }

    /// A thread zoom on the default table carries into the srcline table: only that thread's samples.
    @Test func aThreadZoomNarrowsTheLines() async throws {
        var app = HotspotScreenTests.app(try Self.keptText())
        app.leafResolver = Self.resolver(only: Self.fixtures + "/hot")
        await app.press(.char("3"))
        let whole = try #require(app.hotspots?.table.totalCount)
        await app.press(.char("t"))
        let zoomed = try #require(app.hotspots?.table.totalCount)
        for _ in 0..<7 { await app.press(.char("s")) }
        #expect(app.hotspots?.keys == [.srcline])
        #expect(app.hotspots?.table.totalCount == zoomed)
        #expect(zoomed < whole)
    }
}

/// Runs a tool to its end: its status, standard output and standard error.
enum SampleRun {
    static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (127, "", "\(error)") }
        // stdout first (it can be large); the tools' stderr is a few lines, well under a pipe's buffer.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
