import Foundation
import Glibc
import Testing
@testable import TraceCapture
import TraceModel

/// Samples taken beside tracepoints go into the store in time order.
@Suite("Samples merged with tracepoints", .serialized)
struct LiveSampleMergeTests {
    static func line(_ us: Int64, _ event: String = "sched_switch") -> String {
        String(format: "            dd-100     [000] d..2. %d.%06d: \(event): prev_pid=100\n", us / 1_000_000, us % 1_000_000)
    }

    static func sample(_ us: Int64) -> (text: [UInt8], time: UInt64) {
        var out: [UInt8] = []
        PerfScriptWriter.appendSample(to: &out, comm: "spin", pid: 7, tid: 7, cpu: 1, timeNanoseconds: UInt64(us * 1000),
                                      period: 1, event: "cpu-clock", frames: [])
        return (out, UInt64(us * 1000))
    }

    static func drained(_ times: [Int64], cutoff: Int64) -> (text: [UInt8], starts: [(offset: Int, time: UInt64)], cutoff: UInt64) {
        var text: [UInt8] = []
        var starts: [(offset: Int, time: UInt64)] = []
        for t in times {
            let s = sample(t)
            starts.append((text.count, s.time))
            text += s.text
        }
        return (text, starts, UInt64(cutoff * 1000))
    }

    static func range(_ lines: [Int64]) -> RawEventReader.TextRange {
        let bytes = Array(lines.map { line($0) }.joined().utf8)
        let block = LiveBlock(copying: bytes)
        return RawEventReader.TextRange(block: block, range: 0..<bytes.count)
    }

    static func append(_ items: [LiveSampleMerge.Item], to store: inout EventStore) {
        let parser = PieceParser(tracer: nil, keepRows: true)
        for item in items {
            switch item {
            case .text(let r): store.append(parser.parse(r.block, range: r.range))
            case .samples(let p): store.append(p)
            }
        }
    }

    @Test
    func samplesGoBetweenTheLinesAroundThemOnceBothSourcesAreReadPastThem() {
        let merge = LiveSampleMerge()
        var store = EventStore()
        // Tracepoints read up to 1 000 500 µs; samples not yet read at all: nothing can go in.
        merge.add(Self.range([1_000_000, 1_000_100, 1_000_200, 1_000_300, 1_000_400, 1_000_500]))
        #expect(merge.take().isEmpty)
        // Samples read up to 1 000 450: the two samples go between the lines, the lines up to 1 000 450 too.
        merge.addSamples(Self.drained([1_000_150, 1_000_160, 1_000_350], cutoff: 1_000_450))
        Self.append(merge.take(), to: &store)
        #expect(store.count == 8, "5 lines and 3 samples")
        #expect((0..<store.count).map { store.timestamp($0) / 1000 }
                == [1_000_000, 1_000_100, 1_000_150, 1_000_160, 1_000_200, 1_000_300, 1_000_350, 1_000_400])
        // A sample newer than the tracepoints read waits for them.
        merge.addSamples(Self.drained([1_000_600], cutoff: 1_000_700))
        Self.append(merge.take(), to: &store)
        #expect(store.count == 9 && store.timestamp(8) / 1000 == 1_000_500)
        merge.add(Self.range([1_000_550, 1_000_650, 1_000_800]))
        Self.append(merge.take(), to: &store)
        #expect((9..<store.count).map { store.timestamp($0) / 1000 } == [1_000_550, 1_000_600, 1_000_650])
        Self.append(merge.take(final: true), to: &store)
        #expect(store.timestamp(store.count - 1) / 1000 == 1_000_800)
    }

    @Test
    func theSplitPointIsFoundInALongBlockWithALostMarkerInside() {
        let times = (0..<1000).map { Int64(5_000_000 + $0 * 10) }
        var r = Self.range(times)
        let lost = Array("CPU:1 [LOST 3 EVENTS]\n".utf8)
        let bytes = Array(r.bytes.prefix(500 * Self.line(0).utf8.count)) + lost + Array(r.bytes.dropFirst(500 * Self.line(0).utf8.count))
        r = RawEventReader.TextRange(block: LiveBlock(copying: bytes), range: 0..<bytes.count)
        for probe: Int64 in [4_999_999, 5_000_000, 5_000_005, 5_004_990, 5_004_995, 5_005_000, 5_009_990, 5_100_000] {
            let split = LiveSampleMerge.firstLine(in: r, after: probe * 1000)
            let before = String(decoding: bytes[0..<split], as: UTF8.self).split(separator: "\n").filter { !$0.contains("LOST") }
            #expect(before.count == times.filter { $0 <= probe }.count, "split after \(probe)")
        }
    }

    /// A real instance (mono clock) and a real sampler, both into one session's store: never a step back, and
    /// samples and tracepoints both there.
    @Test(.enabled(if: TimeOrderTests.twoCPUs && SamplingTests.samplingAvailable))
    func liveSamplesBesideTracepointsKeepTheStoreInTimeOrder() async throws {
        let root = try Tracefs.locate()
        let instance = try TraceInstance(root: root)
        defer { instance.destroy() }
        let load = try BusyCPUs(count: 2, bytes: 60_000)
        defer { load.finish() }
        var options = LiveOptions()
        options.events = ["sched:sched_switch", "raw_syscalls:sys_enter", "raw_syscalls:sys_exit"]
        options.pids = load.pids
        options.clock = "mono"
        try instance.start(options)
        var sampling = SamplingOptions()
        sampling.frequency = 2000
        let text = SampleText(sampler: try PerfSampler(sampling))
        let session = CaptureSession(sourceName: "test")
        let merge = LiveSampleMerge()
        let capture = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await session.live(instance, keep: 10_000_000, merge: merge) }
                group.addTask { await session.sample(text, keep: 10_000_000, standalone: false, merge: merge) }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        load.go()
        for _ in 0..<600 where !load.exited() { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(200))
        capture.cancel()
        await capture.value
        let store = try #require(session.snapshots.current.store)
        let samples = store.chunks.filter { $0.storage is SampleTextBlock }.reduce(0) { $0 + $1.count }
        #expect(samples > 100, "\(samples) samples")
        #expect(store.count - samples > 100_000, "\(store.count - samples) tracepoint rows")
        let steps = (1..<store.count).filter { store.timestamp($0) < store.timestamp($0 - 1) }
        #expect(steps.isEmpty, "\(steps.count) steps back, first: \(steps.first.map { store.lineText($0 - 1) + " → " + store.lineText($0) } ?? "")")
    }
}
