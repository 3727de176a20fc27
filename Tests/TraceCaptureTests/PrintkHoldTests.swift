import Foundation
import Glibc
import Testing
import TraceModel
@testable import TraceCapture

/// `--printk`: the top-level pipe's lines wait for the instance's reader to reach their time.
@Suite("Printk lines held for the instance")
struct PrintkHoldTests {
    /// An instance reader that hands over what the test gives it, leaving pages for later like the raw reader.
    final class Instance: LiveReader {
        var next: [String] = []
        var complete = true
        var everything = false
        var events: Int { 0 }
        var missed: Int { 0 }
        var lastPassComplete: Bool { complete }
        var readsEverything: Bool { everything }
        func close() {}
        func drain(progress: (([RawEventReader.TextRange]) -> Bool)?) -> [RawEventReader.TextRange] {
            defer { next = [] }
            guard !next.isEmpty else { return [] }
            let text = Array(next.map { $0 + "\n" }.joined().utf8)
            return [RawEventReader.TextRange(block: LiveBlock(copying: text), range: 0..<text.count)]
        }
    }

    static func line(_ t: String, _ event: String) -> String { "  w-7 [001] ..... \(t): \(event)" }

    static func text(_ ranges: [RawEventReader.TextRange]) -> [String] {
        ranges.flatMap { String(decoding: $0.bytes, as: UTF8.self).split(separator: "\n").map(String.init) }
    }

    @Test func aPrintkLineWaitsForItsOwnEventAndTheStreamStaysInTimeOrder() throws {
        // Given the top-level pipe (a FIFO here) and an instance reader
        let dir = NSTemporaryDirectory() + "printk-hold-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/trace_pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let instance = Instance()
        let reader = try PrintkReader(wrapping: instance, tracefs: dir)
        defer { reader.close() }
        let writer = open(fifo, O_WRONLY | O_NONBLOCK)
        defer { Glibc.close(writer) }
        func printk(_ lines: String...) {
            let text = lines.map { $0 + "\n" }.joined()
            _ = text.withCString { write(writer, $0, strlen($0)) }
        }
        // When the program prints at 10.000002 and 10.000004 while the reader has reached only 10.000001, with a
        // record it could not place yet
        printk(Self.line("10.000002", "bpf_trace_printk: a"), Self.line("10.000004", "bpf_trace_printk: b"))
        instance.next = [Self.line("10.000001", "sys_enter_openat: one")]
        instance.complete = false
        let first = Self.text(reader.drain())
        // Then only the instance's line goes out
        #expect(first == [Self.line("10.000001", "sys_enter_openat: one")])
        // When the next pass reaches 10.000003, still incomplete
        instance.next = [Self.line("10.000002", "sys_enter_openat: two"), Self.line("10.000003", "sys_enter_openat: x")]
        let second = Self.text(reader.drain())
        // Then the line it reached goes out after the instance's line of the same time; the newer one waits
        #expect(second == [Self.line("10.000002", "sys_enter_openat: two"), Self.line("10.000002", "bpf_trace_printk: a"),
                           Self.line("10.000003", "sys_enter_openat: x")])
        // When a complete pass brings its event, and a new printk line comes in the same drain
        printk(Self.line("10.000009", "bpf_trace_printk: c"))
        instance.next = [Self.line("10.000004", "sys_enter_openat: three")]
        instance.complete = true
        let third = Self.text(reader.drain())
        // Then the line held from before goes out by time; the one read in this drain waits a pass
        #expect(third == [Self.line("10.000004", "sys_enter_openat: three"), Self.line("10.000004", "bpf_trace_printk: b")])
        // When tracing stops and the last drain reads everything
        instance.everything = true
        let last = Self.text(reader.drain())
        // Then nothing stays behind
        #expect(last == [Self.line("10.000009", "bpf_trace_printk: c")])
        #expect(reader.printkLines == 3)
    }
}
