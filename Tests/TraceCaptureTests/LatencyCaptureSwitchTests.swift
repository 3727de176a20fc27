import Foundation
import Glibc
import Testing
@testable import TraceCapture
@testable import TraceModel

/// The live viewer's reader keeps the latency passes' typed values only once the latency view has opened
/// (`LatencyCaptureSwitch`): before, its rows carry none and the passes read their text. A capture switched on
/// midway must measure what the same rows measure read all from their text.
@Suite("Typed capture switched on midway", .serialized)
struct LatencyCaptureSwitchTests {
    /// `keepRecords`: the viewer's reader keeps records as bytes (their text made when read), or formats them.
    @Test(.enabled(if: LiveCaptureTests.available), arguments: [true, false])
    func rowsBeforeTheSwitchAreMeasuredFromTheirTextWithTheSameAnswers(keepRecords: Bool) async throws {
        let traced = try LatencyLoad(rounds: 30, reads: 2000, sleep: "0.02")
        defer { traced.finish() }
        let (instance, load) = (traced.instance, traced.process)
        let typedCapture = LatencyCaptureSwitch()
        let reader = RawEventReader(instance: instance, keepRecords: keepRecords, typedCapture: typedCapture)
        defer { reader.close() }
        traced.go()
        // The same rows three ways: as read (typed from the switch on), with their typed values dropped (all read
        // from their text), and (formatted records only) parsed back from the text alone.
        var mixed = EventStore(), untyped = EventStore(), saved = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        var analyzer = LatencyAnalyzer(LatencyOptions(worst: 50))
        // Rows of the kinds the passes read, and those with typed values, before and after the switch.
        var before = (rows: 0, typed: 0), after = (rows: 0, typed: 0)
        var switchedAtRow = -1
        let measured: Set<String> = ["sched_switch", "sched_wakeup", "sched_waking", "sched_stat_runtime", "sys_enter",
                                     "sys_exit", "sys_exit_openat", "irq_handler_entry", "softirq_entry"]
        for _ in 0..<1000 {
            try await Task.sleep(for: .milliseconds(20))
            let exited = !load.isRunning
            let on = typedCapture.isOn
            for r in reader.drain() {
                let decoded = try #require(r.decoded, "the viewer's reader keeps the columns")
                var stripped = decoded
                stripped.typed = TypedFields()
                stripped.kept = decoded.kept.map { TextOnly(base: $0) }
                mixed.append(parser.parse(r.block, range: r.range, decoded: decoded))
                untyped.append(parser.parse(r.block, range: r.range, decoded: stripped))
                if !keepRecords { saved.append(parser.parse(r.block, range: r.range)) }
                let rows = decoded.events.count { k in
                    Int(k) < decoded.names.count && measured.contains(String(decoding: decoded.names.names[Int(k)], as: UTF8.self))
                }
                if on {
                    after.rows += rows
                    after.typed += decoded.typed.count
                } else {
                    before.rows += rows
                    before.typed += decoded.typed.count
                }
            }
            analyzer.consume(mixed)
            // Halfway through the load (its first few thousand rows), from another thread, as the viewer's UI
            // turns it on while the reader's thread drains.
            if !on, mixed.count > 20_000 {
                switchedAtRow = mixed.count
                await Task.detached { typedCapture.turnOn() }.value
            }
            if exited { break }
        }
        #expect(!load.isRunning)
        #expect(reader.missed == 0)
        #expect(switchedAtRow > 0, "the switch was turned on, after \(mixed.count) rows")
        // Off: not one typed value kept; on: kept for the rows the passes read, unless the reader keeps the records
        // (the passes then take every value from them).
        #expect(before.rows > 10_000 && before.typed == 0, "before the switch: \(before)")
        if keepRecords {
            #expect(after.rows > 10_000 && after.typed == 0, "records kept, after the switch: \(after)")
            #expect(mixed.chunks.allSatisfy { $0.capturedTyped == nil && $0.hasLatencyValues })
        } else {
            #expect(after.rows > 10_000 && after.typed > after.rows / 2, "after the switch: \(after)")
            #expect(mixed.chunks.indices.allSatisfy { k in mixed.chunks[k].capturedTyped == nil || mixed.firstRow(ofChunk: k) >= switchedAtRow },
                    "no chunk read before the switch has typed values")
        }
        #expect(untyped.chunks.allSatisfy { c in (0..<c.count).allSatisfy { c.latencyValues($0).kind == 0 } })
        var kinds = [Int](repeating: 0, count: 8)
        for c in mixed.chunks { for i in 0..<c.count { kinds[Int(c.latencyValues(i).kind)] += 1 } }
        // The passes read them a block at a time: the same values, across block ends too.
        var blockDiffers = 0
        for c in mixed.chunks.prefix(20) {
            c.forEachLatencyBlock(in: 3..<max(3, c.count), block: 7) { first, n, k, f0, f1 in
                for j in 0..<n where (k[j], f0[j], f1[j]) != c.latencyValues(first + j) { blockDiffers += 1 }
            }
        }
        #expect(blockDiffers == 0)
        // Switches, wakeups, raw syscalls and sys_exit_openat's returns read typed (after the switch, or all of
        // them from kept records).
        #expect(kinds[1] > 10 && kinds[2] > 10 && kinds[4] > 1000 && kinds[5] > 10, "typed rows by kind: \(kinds)")
        let fromText = untyped.latency(LatencyOptions(worst: 50))
        #expect(!fromText.sched.isEmpty && !fromText.syscalls.isEmpty)
        #expect(fromText.syscalls.first { $0.name == "openat" }.map { $0.errors >= 30 } == true)
        #expect(fromText.sched.contains { $0.sleep > 0 }, "switched out asleep, then woken")
        #expect(LiveLatencyTests.difference(mixed.latency(LatencyOptions(worst: 50)), fromText) == nil)
        // As the open view measures: the new rows at each refresh, across the switch.
        #expect(LiveLatencyTests.difference(analyzer.report(), fromText) == nil)
        if !keepRecords {
            #expect(LiveLatencyTests.difference(saved.latency(LatencyOptions(worst: 50)), fromText) == nil)
        }
    }

    /// A kept record gives the passes the values the reader keeps of it (a reader that keeps both, compared row by
    /// row): the live view takes every value from the records.
    @Test(.enabled(if: LiveCaptureTests.available))
    func keptRecordsGiveTheValuesTheReaderKeeps() async throws {
        let traced = try LatencyLoad(rounds: 10, reads: 2000, sleep: "0.02")
        defer { traced.finish() }
        let reader = RawEventReader(instance: traced.instance, keepRecords: true)
        defer { reader.close() }
        traced.go()
        var store = EventStore()
        let parser = PieceParser(tracer: nil, keepRows: true)
        for _ in 0..<1000 {
            try await Task.sleep(for: .milliseconds(20))
            let exited = !traced.process.isRunning
            for r in reader.drain() { store.append(parser.parse(r.block, range: r.range, decoded: try #require(r.decoded))) }
            if exited { break }
        }
        var compared = 0, missing = 0, differing: [String] = []
        for c in store.chunks {
            guard let captured = c.capturedTyped, let kept = c.kept else { continue }
            for i in 0..<c.count where captured.kinds[i] != 0 {
                compared += 1
                guard let record = c.keptRecord(i) else {
                    missing += 1
                    continue
                }
                let r = kept.formatter.latencyValues(record)
                if r.kind != captured.kinds[i] || r.f0 != captured.f0[i] || r.f1 != captured.f1[i] {
                    differing.append("kind \(captured.kinds[i]): \(captured.f0[i]) \(captured.f1[i]) kept, "
                                     + "\(r.kind) \(r.f0) \(r.f1) from the record")
                }
            }
        }
        #expect(compared > 1000, "\(compared) rows with values both ways")
        #expect(missing == 0 && differing.isEmpty, "\(missing) missing, \(differing.count) differ, first: \(differing.first ?? "")")
    }
}

/// A kept record formatter that gives no typed values: the passes read every row's text.
private struct TextOnly: KeptLineFormatter {
    let base: any KeptLineFormatter
    func recordLength(_ record: UnsafeRawPointer) -> Int { base.recordLength(record) }
    var commOffset: Int { base.commOffset }
    func lineBound(_ record: UnsafeRawPointer) -> Int { base.lineBound(record) }
    func format(_ record: UnsafeRawPointer, into out: UnsafeMutableRawPointer) -> (length: Int, payload: Int) {
        base.format(record, into: out)
    }
}
