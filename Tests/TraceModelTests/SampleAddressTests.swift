import Foundation
import Testing
@testable import TraceModel

/// The perf script reader keeps each sample's address: its innermost frame's, as perf script prints it. Checked
/// against `perf script -F ip` of the same perf.data — on the recording kept in Tests/Fixtures/hotspots-leaves and
/// on one made here where perf can record (skipped with the reason where it cannot).
@Suite struct SampleAddressTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Fixtures/hotspots-leaves").path

    /// The sample addresses of `perf script` text, in the order of its samples.
    static func addresses(ofScript bytes: [UInt8]) -> [UInt64] {
        let store = EventStore(parsing: OwnedBytes(bytes))
        var out: [UInt64] = []
        for chunk in store.chunks {
            #expect(chunk.stacks.leafAddresses.count == chunk.stacks.rows.count)
            out += chunk.stacks.leafAddresses
        }
        return out
    }

    /// `perf script -F ip` of a recording with callchains: each sample's frames' addresses, samples apart by a blank
    /// line; the first of each is the sample's.
    static func addresses(ofIPs text: String) -> [UInt64] {
        text.components(separatedBy: "\n\n").compactMap { block in
            block.split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) }
                .flatMap { UInt64($0.trimmingCharacters(in: .whitespaces), radix: 16) }
        }
    }

    @Test func everySampleOfTheKeptRecordingHasPerfsAddress() throws {
        let script = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/hot.script.txt"))
        let ips = try String(contentsOfFile: Self.fixtures + "/hot.ip.txt", encoding: .utf8)
        let ours = Self.addresses(ofScript: Array(script)), perfs = Self.addresses(ofIPs: ips)
        #expect(perfs.count == 409)
        #expect(ours == perfs)
        // User code by its address in the binary (what addr2line takes), the kernel by its own.
        #expect(ours.contains { $0 < 0x10000 } && ours.contains { $0 >= 0xffff_ffff_8000_0000 })
    }

    @Test func everySampleOfARecordingMadeHereHasPerfsAddress() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracetui-addr-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = Self.run("/bin/bash", [Self.root.appendingPathComponent("record-hotspots.sh").path, dir])
        if made.status == 77 {
            print("sample address comparison skipped: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(made.status == 0, "record-hotspots.sh: \(made.stderr)")
        let ips = Self.run("/usr/bin/env", ["perf", "script", "-i", dir + "/hot.data", "-F", "ip"])
        #expect(ips.status == 0, "perf script -F ip: \(ips.stderr)")
        let script = try Data(contentsOf: URL(fileURLWithPath: dir + "/hot.script.txt"))
        let ours = Self.addresses(ofScript: Array(script)), perfs = Self.addresses(ofIPs: ips.stdout)
        #expect(perfs.count > 100)
        #expect(ours == perfs)
    }

    @Test func framesWithoutAnAddressGiveNone() {
        // ftrace's `<stack trace>` prints no address; perf's frames in either case of hex digits.
        let ftrace = "            bash-1     [000] ....  1.000000: sys_clone(clone_flags: 1)\n"
            + "            bash-1     [000] ....  1.000001: <stack trace>\n => schedule+0x1a/0x20\n => do_idle+0x5/0x10\n"
        #expect(Self.addresses(ofScript: Array(ftrace.utf8)) == [0])
        let perf = "app 10/11 [000] 1.000000: 1 cpu-clock: \n\tFFFFFFFF8100ABcd spin+0x1 ([kernel.kallsyms])\n\t3 main (/bin/app)\n"
        #expect(Self.addresses(ofScript: Array(perf.utf8)) == [0xffff_ffff_8100_abcd])
    }

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
