import Foundation
import TraceCapture
import TraceModel

/// The `annotate` group (issue 18): a generated function of about 10 k instructions (`big`, gcc -g -O1), 1 M
/// samples spread over it as perf script text, and the time from the loaded samples to the annotated text
/// (samples per offset, objdump's text parsed, samples placed, hottest order, text). objdump's own run is timed
/// apart. The peer: `perf annotate --stdio -s big` on a `perf record` of the program, beside tracetui's annotate
/// of the same recording.
enum AnnotateBench {
    static var directory: String { BenchPaths.dataDirectory + "/annotate" }

    static func run(samples: Int, runs: Int) async throws(BenchError) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let binary = directory + "/big"
        try build(binary)
        let objdumpText: String
        let od = try await timed { () async throws(BenchError) -> String in
            do { return try Disassembler.disassemble(binary, symbol: "big") } catch { throw BenchError("\(error)") }
        }
        objdumpText = od.value
        let disassembly = Disassembly(objdump: objdumpText, symbol: "big")
        let instructions = disassembly.lines.compactMap(\.address)
        guard instructions.count > 1000 else { throw BenchError("big has only \(instructions.count) instructions") }
        // Samples on every instruction, more on a few (a hot loop's shape).
        var text = [UInt8]()
        text.reserveCapacity(samples * 90)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<samples {
            let k = i % 7 == 0 ? Int.random(in: 0..<8, using: &rng) : Int.random(in: 0..<instructions.count, using: &rng)
            let offset = instructions[k] - disassembly.start
            let ip = String(instructions[k], radix: 16)
            text += Array("big 100/100 [000] \(1000 + i / 1000).\(String(format: "%06d", i % 1000 * 1000)):     1000 cycles: \n\t\(ip) big+0x\(String(offset, radix: 16)) (\(binary))\n\t1200 main+0x20 (\(binary))\n\n".utf8)
        }
        let store = EventStore(parsing: OwnedBytes(text))
        print("")
        print("annotate: big, \(instructions.count) instructions, \(samples) samples (\(text.count >> 20) MiB of perf script text, parsed first, not counted)")
        print(String(repeating: "-", count: 78))
        print("objdump -d -l -S of big: \(f(od.seconds)) s (paid once per function)")
        let t = try await bestOf(runs) { () async throws(BenchError) -> Int in
            let (offsets, dso, n) = Annotation.offsets(of: "big", in: store)
            let parsed = Disassembly(objdump: objdumpText, symbol: "big")
            let a = Annotation(symbol: "big", dso: dso ?? "", disassembly: parsed, offsets: offsets, samples: n)
            return a.hottest.count + a.text().utf8.count
        }
        let p1 = try await bestOf(runs) { () async throws(BenchError) -> Int in Annotation.offsets(of: "big", in: store).samples }
        let p2 = try await bestOf(runs) { () async throws(BenchError) -> Int in
            Disassembly(objdump: objdumpText, symbol: "big").lines.count
        }
        let (offsets, _, n) = Annotation.offsets(of: "big", in: store)
        let p3 = try await bestOf(runs) { () async throws(BenchError) -> Int in
            Annotation(symbol: "big", dso: binary, disassembly: disassembly, offsets: offsets, samples: n).hottest.count
        }
        let annotation = Annotation(symbol: "big", dso: binary, disassembly: disassembly, offsets: offsets, samples: n)
        let p4 = try await bestOf(runs) { () async throws(BenchError) -> Int in annotation.text().utf8.count }
        print("  parts: samples per offset \(f(p1.seconds)) s, objdump text parsed \(f(p2.seconds)) s, "
              + "placed + hottest \(f(p3.seconds)) s, text \(f(p4.seconds)) s")
        print("tracetui: samples per offset + parse + place + hottest + text, best of \(runs): \(f(t.seconds)) s"
              + (t.seconds < 0.1 ? "  (< 100 ms)" : "  (over 100 ms)"))
        try peer(binary)
    }

    /// gcc -g -O1 of a function with 2500 dependent statements (about 4 instructions each).
    private static func build(_ binary: String) throws(BenchError) {
        var c = "long big(long x) {\n"
        for i in 0..<2500 { c += "    x = x * \(3 + i % 5) + \(i); x ^= x >> \(1 + i % 13);\n" }
        c += "    return x;\n}\nint main(int argc, char **argv) {\n    long s = 0;\n"
        c += "    for (long i = 0; i < 20000 * (argc > 1 ? 2 : 1); i++) s += big(i);\n    static volatile long sink; sink = s;\n    return 0;\n}\n"
        let source = directory + "/big.c"
        FileManager.default.createFile(atPath: source, contents: Data(c.utf8))
        guard shell(["gcc", "-g", "-O1", "-fno-omit-frame-pointer", "-o", binary, source]) == 0 else {
            throw BenchError("gcc failed on \(source)")
        }
    }

    /// perf annotate --stdio beside tracetui annotate, on one perf record of big.
    private static func peer(_ binary: String) throws(BenchError) {
        let data = directory + "/big.data"
        guard shell(["perf", "record", "-q", "-F", "20000", "-o", data, binary]) == 0 else {
            print("perf annotate side by side: skipped (perf record refused here)")
            return
        }
        let tracetui = BenchPaths.packageRoot + "/.build/release/tracetui"
        let perfStart = ContinuousClock.now
        _ = shell(["perf", "annotate", "-i", data, "--stdio", "-s", "big"])
        let perfSeconds = (ContinuousClock.now - perfStart).seconds
        var ours = "-"
        if FileManager.default.isExecutableFile(atPath: tracetui) {
            let start = ContinuousClock.now
            _ = shell([tracetui, "annotate", data, "big"])
            ours = f((ContinuousClock.now - start).seconds) + " s"
        }
        print("perf record -F 20000 of big, whole commands: perf annotate --stdio \(f(perfSeconds)) s, "
              + "tracetui annotate \(ours) (both read perf.data through perf)")
    }

    @discardableResult
    private static func shell(_ argv: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    private static func f(_ v: Double) -> String { String(format: "%.3f", v) }
}
