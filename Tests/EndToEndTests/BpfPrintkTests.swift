import Foundation
import Testing

extension EndToEnd {
    /// `sudo tracetui --printk`: a program's bpf_printk lines in the stream, in time order with the instance's events.
    @Suite("BPF printk", .enabled(if: Tmux.isAvailable && LiveTracing.isAvailable && BpfTools.unavailableReason == nil,
                                  "needs tmux, tracefs and BPF (root, clang, libbpf, bpftool)"))
    struct BpfPrintk {
        @Test func printkLinesAreMergedByTimeWithTheInstancesEvents() async throws {
            // Given the openat program printing for one thread of this test
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let worker = OpenWorker()
            let loader = try await BpfLoaderProcess(loader: try BpfTools.loader(into: dir),
                                                    object: try BpfTools.compile("openat", into: dir),
                                                    targetPid: worker.tid, dir: dir)
            defer { _ = loader.finish() }
            // and a live session tracing openat in its instance, with --printk, saving on quit
            let saved = dir + "/saved.txt"
            let session = try TmuxSession(width: 160, height: 30)
            defer { session.close() }
            try session.launch("--printk", "-e", "syscalls:sys_enter_openat", "--output", saved)
            try await session.waitFor("● live")
            // Then the status bar says the shared buffer is read
            try await session.waitFor("top-level trace buffer")
            // When the thread opens a file 5 times
            worker.open(times: 5)
            // (on a busy machine the line scrolls past at once: the saved file is checked below)
            try await Task.sleep(for: .seconds(1))
            try session.send("q")
            try await session.waitUntil("the saved file", timeout: .seconds(20)) { _ in
                FileManager.default.fileExists(atPath: saved)
            }
            // Then the saved stream holds the 5 printk lines, each next to the thread's own sys_enter_openat (the
            // program and the instance hang on the same tracepoint: which of the two runs first is the kernel's choice)
            let lines = try String(contentsOfFile: saved, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
            let mine = lines.filter { $0.contains("-\(worker.tid) ") }
            let printk = mine.filter { $0.contains("bpf_trace_printk: tt_openat") }
            #expect(printk.count == 5, "\(mine.joined(separator: "\n"))")
            #expect(mine.filter { $0.contains("sys_enter_openat") }.count >= 5)
            for (k, line) in mine.enumerated() where line.contains("bpf_trace_printk") {
                let neighbours = [k - 1, k + 1].filter { mine.indices.contains($0) }
                #expect(neighbours.contains { mine[$0].contains("sys_enter_openat") }, "\(mine.joined(separator: "\n"))")
            }
            // and the whole stream is in time order
            let times = lines.compactMap { PrintkTimes.seconds(String($0)) }
            #expect(times.count >= 10 && zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }
}

enum PrintkTimes {
    /// `secs.usecs` of an ftrace line (the token before `: ` after the CPU).
    static func seconds(_ line: String) -> Double? {
        guard let bracket = line.firstIndex(of: "]") else { return nil }
        for token in line[bracket...].split(separator: " ") where token.hasSuffix(":") {
            return Double(token.dropLast())
        }
        return nil
    }
}
