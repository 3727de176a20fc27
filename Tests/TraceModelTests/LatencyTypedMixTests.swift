import Foundation
import Testing
@testable import TraceModel

/// The live reader keeps typed values only once the latency view has opened: rows read before have none (kind 0)
/// and every pass reads their text instead. Whichever rows carry typed values — none, all, those after a switch
/// midway, every other one — the report is the one the text alone gives, in every section.
@Suite struct LatencyTypedMixTests {
    /// A row's line and the typed values the live reader would have kept of its record.
    struct Row {
        var line: String
        var kind: TypedFields.Kind
        var f0: Int64 = 0
        var f1: Int64 = 0
    }

    /// Switches, wakeups, runtimes, raw and named syscalls, hard and soft irqs, block requests: every kind, in the
    /// field form the live reader writes where the passes read one.
    static func rows(_ n: Int) -> [Row] {
        var out: [Row] = []
        var t: Int64 = 1_000_000_000
        func add(_ task: String, _ flags: String, _ event: String, _ payload: String, _ kind: TypedFields.Kind,
                 _ f0: Int64 = 0, _ f1: Int64 = 0) {
            t += 1_000 + Int64(out.count % 7) * 1_000
            out.append(Row(line: "\(task) [000] \(flags) \(TimeFormat.timestamp(t, clock: .seconds)): \(event): \(payload)",
                           kind: kind, f0: f0, f1: f1))
        }
        let pids: (Int64, Int64) = (101, 102)
        let dev: Int64 = 8 << 20
        for i in 0..<n {
            let state = ["S", "R", "R+", "D"][i % 4]
            let letter = Int64(UInt8(ascii: state == "D" ? "D" : state == "S" ? "S" : "R")) | (state == "R+" ? 0x100 : 0)
            add("cat-101", "d..2.", "sched_switch",
                "prev_comm=cat prev_pid=101 prev_prio=120 prev_state=\(state) ==> next_comm=ls next_pid=102 next_prio=120",
                .schedSwitch, pids.0 | pids.1 << 32, letter)
            add("ls-102", "d..2.", "sched_wakeup", "comm=cat pid=101 prio=120 target_cpu=000", .wakee, 101, 1)
            add("ls-102", "d..2.", "sched_stat_runtime", "comm=ls pid=102 runtime=\(1_500 + i) [ns] vruntime=99 [ns]",
                .runtime, 102, Int64(1_500 + i))
            let ret: Int64 = i % 3 == 0 ? -13 : 3
            add("ls-102", ".....", "sys_enter", "NR 257 (ffffff9c, 7ffd, 0, 0, 0, 0)", .syscall, 257)
            add("ls-102", ".....", "sys_exit", "NR 257 = \(ret)", .syscall, 257, ret)
            add("ls-102", ".....", "sys_enter_openat", "dfd: 0xffffff9c, filename: 0x7ffd, flags: 0x0, mode: 0x0", .none)
            add("ls-102", ".....", "sys_exit_openat", "0x" + String(UInt64(bitPattern: -ret), radix: 16), .ret, 0, -ret)
            add("ls-102", "d.h1.", "irq_handler_entry", "irq=24 name=virtio0-input.0", .irq, 24)
            add("ls-102", "d.h1.", "irq_handler_exit", "irq=24 ret=handled", .irq, 24)
            add("ls-102", "..s1.", "softirq_entry", "vec=1 [action=TIMER]", .irq, 1)
            add("ls-102", "..s1.", "softirq_exit", "vec=1 [action=TIMER]", .irq, 1)
            let sector = Int64(1_000 + 8 * i)
            add("ls-102", ".....", "block_rq_issue",
                "dev=\(dev) sector=0x\(String(sector, radix: 16)) nr_sector=8 bytes=4096 ioprio=0 rwbs=W comm=ls cmd=",
                .block, dev | 4096 << 32, sector)
            add("<idle>-0", "d.h1.", "block_rq_complete",
                "dev=\(dev) sector=0x\(String(sector, radix: 16)) nr_sector=8 error=0 ioprio=0 rwbs=W cmd=",
                .block, dev | 4096 << 32, sector)
            add("ls-102", "d..2.", "sched_switch",
                "prev_comm=ls prev_pid=102 prev_prio=120 prev_state=R+ ==> next_comm=cat next_pid=101 next_prio=120",
                .schedSwitch, pids.1 | pids.0 << 32, Int64(UInt8(ascii: "R")) | 0x100)
        }
        return out
    }

    /// The rows in pieces of `size`, those `typed` says carrying their typed values.
    static func pieces(_ rows: [Row], size: Int, typed: (Int) -> Bool) -> [ParsedPiece] {
        stride(from: 0, to: rows.count, by: size).map { start in
            let part = rows[start..<min(rows.count, start + size)]
            let text = part.map { $0.line + "\n" }.joined()
            let storage = OwnedBytes(Array(text.utf8))
            var piece = PieceParser(tracer: nil).parse(storage, range: 0..<storage.bytes.count)
            for (k, row) in part.enumerated() where row.kind != .none && typed(start + k) {
                piece.typed.append(row: k, kind: row.kind.rawValue, row.f0, row.f1)
            }
            return piece
        }
    }

    static func store(_ rows: [Row], size: Int, typed: (Int) -> Bool) -> EventStore {
        var store = EventStore()
        for piece in pieces(rows, size: size, typed: typed) { store.append(piece) }
        return store
    }

    @Test func everySectionGivesTheTextsAnswerWhateverRowsAreTyped() {
        let rows = Self.rows(120)
        let options = LatencyOptions(worst: 20)
        let text = Self.store(rows, size: 500, typed: { _ in false }).latency(options)
        #expect(!text.sched.isEmpty && !text.syscalls.isEmpty && !text.irq.isEmpty && !text.block.isEmpty,
                "every section measured: \(LatencyReportFormat.text(text, sections: LatencySection.allCases))")
        // 40 raw exits of -13, 80 sys_exit_openat of -3.
        #expect(text.syscalls.first { $0.name == "openat" }?.errors == 120)
        #expect(text.sched.contains { $0.runtime > 0 } && text.sched.contains { $0.sleep > 0 })
        let mixes: [(String, (Int) -> Bool)] = [
            ("all typed", { _ in true }),
            ("typed from a switch midway", { $0 >= rows.count / 2 + 3 }),
            ("every other row typed", { $0 % 2 == 1 }),
        ]
        for (name, typed) in mixes {
            for size in [rows.count, 97, 13] {
                let store = Self.store(rows, size: size, typed: typed)
                #expect(store.chunks.contains { $0.hasLatencyValues }, "\(name): typed rows")
                #expect(store.latency(options) == text, "\(name), pieces of \(size) rows")
                // As the live view measures: the new rows at each refresh.
                var analyzer = LatencyAnalyzer(options)
                var growing = EventStore()
                for piece in Self.pieces(rows, size: size, typed: typed) {
                    growing.append(piece)
                    analyzer.consume(growing)
                }
                #expect(analyzer.report() == text, "\(name), pieces of \(size) rows, incremental")
            }
        }
    }
}
