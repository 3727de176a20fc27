import Foundation
import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// `a` on a hotspot entry: the function annotated over the table, built by a job (objdump), opened on the
/// instruction `perf annotate --stdio` puts the most samples on, `H` / Tab cycling the hot lines, Esc closing.
/// On the recording of hot.c kept in Tests/Fixtures/hotspots, its binary beside it.
@Suite("Annotate view")
struct AnnotateViewTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hotspots").path
    static let objdump = "/usr/bin/objdump"
    static var hasObjdump: Bool { FileManager.default.isExecutableFile(atPath: objdump) }

    /// objdump on the kept binary, whatever path the recording named (the test's stand-in for the capture layer's).
    static let disassemble: Disassemble = { _, symbol in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: objdump)
        process.arguments = ["-d", "-l", "-S", "--no-show-raw-insn", "--disassemble=\(symbol)", fixtures + "/hot"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The hotspot table on hot_a, then `a`, every job run.
    static func annotated(_ symbol: String = "hot_a", disassemble: Disassemble? = AnnotateViewTests.disassemble) async throws -> TraceApp {
        let text = try String(contentsOfFile: fixtures + "/hot.script.txt", encoding: .utf8)
        var app = HotspotScreenTests.app(text)
        app.disassembler = disassemble
        await app.press(.char("3"))
        await app.press(.char("/"))
        for c in symbol { await app.press(.char(c)) }
        await app.press(.enter)
        #expect(app.hotspots?.selectedSymbol == symbol)
        await app.press(.char("a"))
        return app
    }

    /// perf annotate's hottest instruction of `symbol` and the number of instructions it puts samples on.
    static func perfHot(_ symbol: String) throws -> (hottest: UInt64, hotLines: Int) {
        let text = try String(contentsOfFile: fixtures + "/perf-annotate-\(symbol).txt", encoding: .utf8)
        var best: (UInt64, Double) = (0, -1)
        var hot = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, let pct = Double(parts[0]), let address = UInt64(parts[1], radix: 16) else { continue }
            if pct > 0 { hot += 1 }
            if pct > best.1 { best = (address, pct) }
        }
        return (best.0, hot)
    }

    @Test(.enabled(if: hasObjdump, "objdump (binutils) is not installed"))
    func opensOnTheInstructionPerfAnnotatePutsMostSamplesOn() async throws {
        for symbol in ["hot_a", "hot_b"] {
            var app = try await Self.annotated(symbol)
            let view = try #require(app.hotspots?.annotate)
            let annotation = try #require(view.annotation, "\(view.failure ?? "")")
            let perf = try Self.perfHot(symbol)
            #expect(annotation.lines[view.cursor].address == perf.hottest, "\(symbol): the hottest instruction")
            #expect(view.hot.count == perf.hotLines, "\(symbol): lines with samples")
            // H and Tab go down the hot lines, hottest first, and round the cycle.
            var seen: [Int64] = [annotation.lines[view.cursor].weight]
            for k in 1...view.hot.count {
                await app.press(k % 2 == 0 ? .char("H") : .tab)
                let now = try #require(app.hotspots?.annotate)
                seen.append(annotation.lines[now.cursor].weight)
            }
            #expect(seen.first == seen.last, "back to the hottest after a full cycle")
            #expect(seen.dropLast() == seen.dropLast().sorted(by: >), "hottest first: \(seen)")
            #expect(app.focus == .hotspots, "Tab stays in the annotate pane")
            await app.press(.escape)
            #expect(app.hotspots?.annotate == nil)
            #expect(app.hotspots?.selectedSymbol == symbol, "back on the entry")
        }
    }

    @Test(.enabled(if: hasObjdump, "objdump (binutils) is not installed"))
    func screens() async throws {
        for (width, height) in [(80, 24), (20, 6)] {
            var app = try await Self.annotated()
            Golden.check(app.draw(width: width, height: height), "annotate-\(width)x\(height)")
        }
    }

    @Test func kernelFunctionSaysWhyNot() async throws {
        let text = try String(contentsOfFile: Self.fixtures + "/hot.script.txt", encoding: .utf8)
        var app = HotspotScreenTests.app(text)
        // The host reads the kernel image (KernelImage); here it has none and says why.
        struct NoImage: Error, CustomStringConvertible { var description: String }
        app.disassembler = { binary, symbol in
            #expect(binary == "[kernel.kallsyms]")
            throw NoImage(description: "\(symbol) is kernel code: no vmlinux and /proc/kcore does not exist")
        }
        await app.press(.char("3"))
        let h = try #require(app.hotspots)
        let row = try #require(h.rows.firstIndex { $0.line == .entry && h.table.label(.dso, of: $0.entry).contains("kernel")
            && h.table.selfValue[$0.entry] > 0 })
        for _ in 0..<row { await app.press(.char("j")) }
        await app.press(.char("a"))
        let view = try #require(app.hotspots?.annotate)
        #expect(view.annotation == nil)
        #expect(view.failure?.contains("kernel code") == true, "\(view.failure ?? "nil")")
    }

    @Test func withoutADisassemblerItSaysSo() async throws {
        let app = try await Self.annotated(disassemble: nil)
        #expect(app.hotspots?.annotate?.failure?.contains("tracetui annotate") == true)
    }

    /// The job never runs in `handle`: right after `a` the pane says it is annotating.
    @Test func buildsInTheBackground() async throws {
        let text = try String(contentsOfFile: Self.fixtures + "/hot.script.txt", encoding: .utf8)
        var app = HotspotScreenTests.app(text)
        app.disassembler = { _, _ in Issue.record("objdump run on the UI thread"); return "" }
        await app.press(.char("3"))
        let effects = app.handle(.char("a"))
        #expect(effects.jobs.map(\.key) == ["hotspots.annotate"])
        #expect(app.hotspots?.annotate?.isLoading == true)
        #expect(app.hotspots?.annotate?.status().contains { $0.0.contains("annotating") } == true)
    }
}
