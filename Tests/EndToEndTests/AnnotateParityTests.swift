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
        // No image anywhere (the recording is of another boot: this machine's kcore would be the wrong code).
        let run = try CommandResult.run(try Fixture.binary(), ["annotate", Self.fixtures + "/hot.script.txt",
                                                               "finish_task_switch.isra.0", "--vmlinux", "/nonexistent/vmlinux",
                                                               "--kcore", "/nonexistent/kcore"])
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stdout.contains("kernel code") && run.stdout.contains("/nonexistent/vmlinux")
                && run.stdout.contains("CONFIG_PROC_KCORE"), "\(run.stdout)")
        let missing = try CommandResult.run(try Fixture.binary(), ["annotate", Self.fixtures + "/hot.script.txt", "nope"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no samples in nope"))
    }

    /// Kernel code read from kernel memory: an ELF core file made here in /proc/kcore's layout (one PT_LOAD
    /// segment at a kernel address) holding a known function, a kallsyms naming it, and samples on its
    /// instructions. This kernel has no /proc/kcore to compare `perf annotate` with, so the check is the layout's:
    /// every instruction disassembled at its kernel address and the samples on the right ones.
    @Test func kernelCodeIsReadFromKcoreAtItsKallsymsAddress() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base: UInt64 = 0xffff_ffff_8100_0000
        // push %rbp; mov %rsp,%rbp; xor %eax,%eax; pop %rbp; ret — then the next function's first bytes.
        let code: [UInt8] = [0x55, 0x48, 0x89, 0xE5, 0x31, 0xC0, 0x5D, 0xC3, 0x90, 0x90]
        var elf = [UInt8](repeating: 0, count: 0x1000)
        func put(_ v: UInt64, _ at: Int, _ n: Int) { for i in 0..<n { elf[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        elf[0..<4] = [0x7F, 0x45, 0x4C, 0x46]
        elf[4] = 2; elf[5] = 1; elf[6] = 1
        put(4, 16, 2)          // ET_CORE
        put(62, 18, 2)         // x86-64
        put(1, 20, 4)
        put(64, 32, 8)         // e_phoff
        put(64, 52, 2)         // e_ehsize
        put(56, 54, 2)         // e_phentsize
        put(1, 56, 2)          // e_phnum
        put(1, 64, 4)          // PT_LOAD
        put(0x1000, 64 + 8, 8) // p_offset
        put(base, 64 + 16, 8)  // p_vaddr
        put(UInt64(code.count), 64 + 32, 8)
        put(UInt64(code.count), 64 + 40, 8)
        elf += code
        FileManager.default.createFile(atPath: dir + "/kcore", contents: Data(elf))
        let kallsyms = "\(String(base, radix: 16)) T fake_fn\n\(String(base + 8, radix: 16)) T next_fn\n"
        FileManager.default.createFile(atPath: dir + "/kallsyms", contents: Data(kallsyms.utf8))
        // Three samples on `xor` (+0x4), one on `pop` (+0x6).
        var script = ""
        for (k, offset) in [4, 4, 6, 4].enumerated() {
            script += "t  10/10  [000]  1.\(100 + k):     1000 cpu-clock:pppH: \n"
            script += "\t\(String(base + UInt64(offset), radix: 16)) fake_fn+0x\(offset) ([kernel.kallsyms])\n\n"
        }
        FileManager.default.createFile(atPath: dir + "/script.txt", contents: Data(script.utf8))
        let run = try CommandResult.run(try Fixture.binary(), ["annotate", dir + "/script.txt", "fake_fn", "--vmlinux",
                                                               dir + "/none", "--kcore", dir + "/kcore", "--kallsyms", dir + "/kallsyms"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").filter { $0.contains(" :   ffffffff8100") }
        #expect(lines.count == 5, "\(run.stdout)")
        let xor = lines.first { $0.contains("ffffffff81000004:") }, pop = lines.first { $0.contains("ffffffff81000006:") }
        #expect(xor?.contains("75.00") == true && xor?.contains("xor") == true, "\(run.stdout)")
        #expect(pop?.contains("25.00") == true && pop?.contains("pop") == true, "\(run.stdout)")
        #expect(!run.stdout.contains("nop"), "stops at the next symbol: \(run.stdout)")
    }
}
