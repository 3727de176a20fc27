import Foundation
import Testing

/// `tracetui annotate` against `perf annotate --stdio -s SYMBOL` on the same recording of hot.c: the same share
/// of the function's samples on every instruction (within 0.1) and the same hottest instruction. Runs on the
/// recording kept in Tests/Fixtures/hotspots (its binary beside it) and on one made here when perf allows.
@Suite struct AnnotateParityTests {
    static let fixtures = PerfReportParityTests.fixtures

    /// `   40.51 :   115c:   add    $0x1,%rax` → address: percent.
    static func percents(_ text: String) -> [UInt64: Double] {
        var out: [UInt64: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, let pct = Double(parts[0]), let address = UInt64(parts[1], radix: 16) else { continue }
            out[address] = pct
        }
        return out
    }

    static func hottest(_ p: [UInt64: Double]) -> UInt64? { p.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key }

    static func compare(input: String, binary: String?, perfDir: String) throws {
        for symbol in ["hot_a", "hot_b"] {
            let theirs = percents(try String(contentsOfFile: perfDir + "/perf-annotate-\(symbol).txt", encoding: .utf8))
            #expect(theirs.count >= 5, "\(symbol): perf annotate printed \(theirs.count) instructions")
            let run = try CommandResult.run(try Fixture.binary(),
                                            ["annotate", input, symbol] + (binary.map { ["--binary", $0] } ?? []),
                                            timeout: .seconds(60))
            #expect(run.status == 0, "\(symbol): \(run.stderr)")
            let ours = percents(run.stdout)
            #expect(Set(ours.keys) == Set(theirs.keys), "\(symbol): the same instructions")
            for (address, pct) in theirs {
                #expect(abs((ours[address] ?? -1) - pct) <= 0.1, "\(symbol) \(String(address, radix: 16)): \(ours[address] ?? -1) vs \(pct)")
            }
            #expect(hottest(ours) == hottest(theirs), "\(symbol): hottest instruction")
            #expect(run.stdout.contains("hot.c:"), "source lines from the debug info")
        }
    }

    @Test func keptRecordingMatchesPerfAnnotate() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/objdump") else {
            print("annotate comparison skipped: objdump (binutils) is not installed")
            return
        }
        try Self.compare(input: Self.fixtures + "/hot.script.txt", binary: Self.fixtures + "/hot", perfDir: Self.fixtures)
    }

    @Test func recordingMadeHereMatchesPerfAnnotate() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Fixture.packageRoot.appendingPathComponent("Tests/record-hotspots.sh").path
        let made = try CommandResult.run("/bin/bash", [script, dir], timeout: .seconds(120))
        if made.status == 77 {
            print("perf annotate comparison on a new recording skipped: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(made.status == 0, "record-hotspots.sh: \(made.stderr)")
        try Self.compare(input: dir + "/hot.data", binary: nil, perfDir: dir)
    }

    @Test func kernelCodeSaysWhyItIsNotAnnotated() throws {
        let run = try CommandResult.run(try Fixture.binary(), ["annotate", Self.fixtures + "/hot.script.txt",
                                                               "finish_task_switch.isra.0"])
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stdout.contains("kernel code"))
        let missing = try CommandResult.run(try Fixture.binary(), ["annotate", Self.fixtures + "/hot.script.txt", "nope"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no samples in nope"))
    }
}
