import Foundation
import Testing
@testable import TraceModel

/// bpf_printk output as the kernel writes it to the top-level buffer, read by the ftrace parser: `cat trace`
/// (with its header) and `cat trace_pipe` / `bpftool prog tracelog` (the same lines without it). The fixture was
/// captured on this project's machine (kernel 6.18) from Tests/Fixtures/bpf/openat.bpf.c.
struct BpfPrintkParseTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bpf/printk-trace.txt").path

    func parse(_ bytes: [UInt8]) -> EventStore {
        var store = EventStore()
        store.append(PieceParser().parse(OwnedBytes(bytes), range: 0..<bytes.count))
        return store
    }

    @Test(arguments: [true, false])
    func bpfTracePrintkLinesAreEventsWithTheirMessage(withHeader: Bool) throws {
        let text = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        let lines = text.split(separator: "\n").filter { withHeader || !$0.hasPrefix("#") }
        let store = parse(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(store.count == 8 && store.summary.unparsed == 0)
        for row in 0..<store.count {
            #expect(store.eventNames[Int(store.eventID(row))] == "bpf_trace_printk")
            #expect(store.payloadText(row).hasPrefix("tt_openat "), "\(store.payloadText(row))")
        }
        #expect(store.payloadText(7) == "tt_openat 3")
        #expect(store.timestamp(7) == 35_742_246_439_000)
        #expect(store.taskLabel(store.row(7).task).hasPrefix("sh"))
        #expect((1..<store.count).allSatisfy { store.timestamp($0) >= store.timestamp($0 - 1) })
    }
}

/// `--printk`'s merge of the top-level buffer's lines into the instance's, by time.
struct PrintkMergeTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func timestampsAreReadFromFtraceLinesWithAndWithoutFlags() {
        #expect(PrintkMerge.timestamp(Self.bytes("  sh-12223   [001] ...21 35742.246404: bpf_trace_printk: tt_openat 1")) == 35_742_246_404_000)
        #expect(PrintkMerge.timestamp(Self.bytes("  <idle>-0 [000] 1720.071781: sched_switch: a")) == 1_720_071_781_000)
        #expect(PrintkMerge.timestamp(Self.bytes("no bracket 12.5: x")) == nil)
        #expect(PrintkMerge.timestamp(Self.bytes("CPU:1 [LOST 3 EVENTS]")) == nil)
    }

    @Test func linesOfBothSourcesComeOutInTimeOrder() {
        let instance = """
                      a-1     [000] d..2.   100.000001: sched_switch: one
                      a-1     [000] d..2.   100.000005: sched_switch: two
            CPU:0 [LOST 2 EVENTS]
                      a-1     [001] d..2.   100.000009: sched_switch: three

            """
        let printk = """
                      b-2     [001] ...21   100.000003: bpf_trace_printk: p1
                      b-2     [001] ...21   100.000009: bpf_trace_printk: p2
                      b-2     [001] ...21   100.000020: bpf_trace_printk: p3

            """
        let merged = String(decoding: PrintkMerge.merge(PrintkMerge.lines(Self.bytes(instance)), PrintkMerge.lines(Self.bytes(printk))),
                            as: UTF8.self)
        let order = merged.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        // the LOST line stays after the line before it; on equal times the instance's line comes first
        #expect(order == ["one", "p1", "two", "EVENTS]", "three", "p2", "p3"], "\(merged)")
        #expect(merged.utf8.count == instance.utf8.count + printk.utf8.count)
    }
}

/// Replay of what `bpftool prog tracelog` and `cat trace_pipe` saved (captured on kernel 6.18 with
/// Tests/Fixtures/bpf/hist.bpf.c loaded; the tracelog also caught another test's tt_openat lines still in the buffer).
struct BpfSavedPrintkTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/bpf/" + name).path
        return Array(try String(contentsOfFile: path, encoding: .utf8).utf8)
    }

    func parse(_ bytes: [UInt8]) -> EventStore {
        var store = EventStore()
        store.append(PieceParser().parse(OwnedBytes(bytes), range: 0..<bytes.count))
        return store
    }

    @Test(arguments: [("bpftool-tracelog.txt", 31), ("trace-pipe.txt", 5)])
    func savedPrintkOutputReplaysLineForLine(file: String, lines: Int) throws {
        let bytes = try Self.fixture(file)
        let store = parse(bytes)
        // every line is an event named bpf_trace_printk with the program's message, in time order
        #expect(store.count == lines && store.summary.unparsed == 0)
        let text = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        for row in 0..<store.count {
            #expect(store.eventNames[Int(store.eventID(row))] == "bpf_trace_printk")
            #expect(text[row].hasSuffix("bpf_trace_printk: " + store.payloadText(row)), "\(text[row])")
        }
        #expect((1..<store.count).allSatisfy { store.timestamp($0) >= store.timestamp($0 - 1) })
        // and the object's formats name its own lines, never another program's
        let namer = PrintkNamer([.init(program: "tt_hist_openat", format: "tt_hist mode %llu slot %u"),
                                 .init(program: "tt_work_calls", format: "tt_work called")])
        for line in PrintkMerge.lines(bytes) {
            let named = String(decoding: namer.name(line), as: UTF8.self)
            let ours = named.contains("tt_calls-")
            #expect(named.contains("[prog tt_") == ours, "\(named)")
        }
    }
}
