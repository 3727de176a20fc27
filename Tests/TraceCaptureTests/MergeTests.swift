import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// Several inputs on one timeline.
@Suite("Merged inputs")
struct MergeTests {
    static func file(_ text: String) throws -> String { try ReplayTests.temporaryFile(Array(text.utf8)) }

    static let a = """
    # tracer: nop
              bash-100   [000] .....   10.000001: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000
              bash-100   [000] .....   10.000005: sched_wakeup: comm=a pid=2 prio=120 target_cpu=000
              bash-100   [000] .....   10.000009: sched_wakeup: comm=a pid=3 prio=120 target_cpu=000

    """
    static let b = """
              sshd-200   [001] .....   10.000003: sched_waking: comm=b pid=4 prio=120 target_cpu=001
              sshd-200   [001] .....   10.000007: sched_waking: comm=b pid=5 prio=120 target_cpu=001

    """

    @Test func twoLogsWithTheSameClockInterleaveByTime() async throws {
        let pa = try Self.file(Self.a), pb = try Self.file(Self.b)
        defer { for p in [pa, pb] { try? FileManager.default.removeItem(atPath: p) } }
        let session = CaptureSession(sourceName: "a + b")
        await session.replay([try TraceInput(path: pa), try TraceInput(path: pb)])
        let snapshot = session.snapshots.current
        let store = snapshot.store
        #expect(snapshot.error == nil)
        #expect(store.count == 5)
        #expect((0..<store.count).map { store.timestamp($0) } == [10_000_001_000, 10_000_003_000, 10_000_005_000,
                                                                    10_000_007_000, 10_000_009_000])
        #expect(store.summary.byCPU == [0: 3, 1: 2])
        #expect(snapshot.progress.finished)
    }

    @Test func perfSamplesBesideAnFtraceLogKeepTheirCommsAndCallchains() async throws {
        let samples = """
        spin 4242/4242 [001] 10.000004: 10101010 cpu-clock:
        \t    55555555a100 tt_spin_leaf+0x10 (/usr/bin/tracetui-spin)
        \t    55555555a200 tt_spin_outer+0x20 (/usr/bin/tracetui-spin)

        spin 4242/4242 [001] 10.000008: 10101010 cpu-clock:
        \t    55555555a100 tt_spin_leaf+0x10 (/usr/bin/tracetui-spin)
        \t    55555555a200 tt_spin_outer+0x20 (/usr/bin/tracetui-spin)

        """
        let pa = try Self.file(Self.a), ps = try Self.file(samples)
        defer { for p in [pa, ps] { try? FileManager.default.removeItem(atPath: p) } }
        let session = CaptureSession(sourceName: "a + samples")
        await session.replay([try TraceInput(path: pa), try TraceInput(path: ps)])
        let store = session.snapshots.current.store
        #expect(store.count == 5)
        #expect(store.summary.unparsed == 0)
        let spin = (0..<store.count).filter { store.taskNames[Int(store.row($0).task)] == "spin" }
        #expect(spin.count == 2)
        #expect(spin.allSatisfy { store.stack($0).count == 2 }, "each sample keeps its callchain")
        let bash = (0..<store.count).filter { store.taskNames[Int(store.row($0).task)] == "bash" }
        #expect(bash.allSatisfy { store.stack($0).isEmpty }, "no frame lands on an ftrace event")
    }

    @Test func aTraceDatAndATextLogMerge() async throws {
        let dat = TraceDatTests.fixture
        let datStore = try await TraceInput(path: dat).load()
        // A text line inside the fixture's time span.
        let mid = datStore.timestamp(datStore.count / 2) + 1
        let text = "          marker-999   [000] .....   \(mid / 1_000_000_000).\(String(format: "%09lld", mid % 1_000_000_000)): tracing_mark_write: hello\n"
        let p = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: p) }
        let session = CaptureSession(sourceName: "merge")
        await session.replay([try TraceInput(path: dat), try TraceInput(path: p)])
        let store = session.snapshots.current.store
        #expect(store.count == datStore.count + 1)
        let marker = try #require((0..<store.count).first { store.eventNames[Int(store.row($0).event)] == "tracing_mark_write" })
        #expect(marker == datStore.count / 2 + 1, "placed by its time among the trace.dat records")
        let times = (0..<store.count).map { store.timestamp($0) }
        #expect(times == times.sorted())
    }

    @Test func differentClocksAreShownOneAfterAnotherWithANote() async throws {
        let counter = "          bash-100   [000] .....   123456789: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000\n"
        let pa = try Self.file(Self.a), pc = try Self.file(counter)
        defer { for p in [pa, pc] { try? FileManager.default.removeItem(atPath: p) } }
        let session = CaptureSession(sourceName: "mixed")
        await session.replay([try TraceInput(path: pa), try TraceInput(path: pc)])
        let snapshot = session.snapshots.current
        #expect(snapshot.store.count == 4)
        #expect(snapshot.store.timestamp(3) == 123_456_789)
        #expect(snapshot.error?.contains("clocks differ") == true)
    }
}
