import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// The sampler's side: reading a /proc root (the real one, or a directory of fixtures), the sidecar file.
@Suite("Proc reader and sampler")
struct ProcReaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ProcFixtures")

    /// A fake /proc: `stat` of 128 CPUs (bigger than the first buffer), the rest from this machine.
    static func fakeRoot() throws -> String {
        let root = NSTemporaryDirectory() + "tracetui-proc-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/net", withIntermediateDirectories: true)
        try fm.copyItem(at: fixtures.appendingPathComponent("big-machine/stat"), to: URL(fileURLWithPath: root + "/stat"))
        for (from, to) in [("meminfo", "meminfo"), ("diskstats", "diskstats"), ("net-dev", "net/dev"),
                           ("loadavg", "loadavg"), ("vmstat", "vmstat")] {
            try fm.copyItem(at: fixtures.appendingPathComponent("this-machine/" + from),
                            to: URL(fileURLWithPath: root + "/" + to))
        }
        return root
    }

    @Test func readsAFakeRootAndRereadsItWithTheSameDescriptors() throws {
        let root = try Self.fakeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reader = ProcReader(root: root)
        // No pressure directory: those files are simply left out
        #expect(reader.files == ["stat", "meminfo", "diskstats", "net/dev", "loadavg", "vmstat"])
        let a = reader.read()
        #expect(a.stat.cpus.count == 127, "the 10 KiB stat did not fit the first buffer and was re-read whole")
        #expect(a.stat.procsBlocked == 3, "the file's last lines were read")
        #expect(a.disks.map(\.name) == ["vda"] && a.nets.count == 4 && a.load.one == 387)
        #expect(a.pressure == nil)
        // A second read of the same descriptors gives the same counters, later
        let b = reader.read()
        #expect(b.stat == a.stat && b.monotonic > a.monotonic)
    }

    @Test func readsThisMachinesProc() {
        let s = ProcReader().read()
        #expect(s.stat.cpus.count >= 1)
        #expect(s.stat.total.idle > 0 && s.stat.contextSwitches > 0)
        #expect((s.memory.total ?? 0) > 0)
        #expect(s.nets.contains { $0.name == "lo" })
        #expect(s.monotonic > 0 && s.realtime > 1_700_000_000_000_000_000)
    }

    @Test func samplerDeliversAtTheIntervalAndStops() async throws {
        let sampler = ProcSampler(interval: .milliseconds(100))
        var times: [Int64] = []
        for await s in sampler.samples() {
            times.append(s.monotonic)
            if times.count == 4 { break }
        }
        // Ticks sit on a 100 ms grid from the first read: three intervals take at least 300 ms less the
        // first read's own latency (a loaded machine delays single ticks, never the grid)
        #expect(times[3] - times[0] >= 200_000_000, "span: \(times[3] - times[0]) ns")
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 > $0 })
        #expect(ProcSampler(interval: .milliseconds(10)).interval == .milliseconds(100), "clamped to 100 ms")
    }

    @Test func historyBoxKeepsTheNewestSamplesAndCountsGenerations() {
        let box = ProcHistoryBox(limit: 2)
        for k in 1...3 {
            var s = ProcSample()
            s.monotonic = Int64(k) * 1_000_000_000
            box.append(s)
        }
        let (history, generation) = box.current
        #expect(generation == 3)
        #expect(history.samples.map(\.monotonic) == [2_000_000_000, 3_000_000_000])
        #expect(history.rates.count == 2 && history.rates[1].seconds == 1)
    }

    @Test func sidecarWrittenThenLoaded() throws {
        let root = try Self.fakeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let trace = NSTemporaryDirectory() + "tracetui-sidecar-\(UUID().uuidString).txt"
        let path = ProcSidecar.path(forTrace: trace)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = ProcReader(root: root)
        let samples = [reader.read(), reader.read()]
        do {
            let writer = try ProcSidecarWriter(path: path, pageSize: 4096)
            for s in samples { writer.append(s) }
        }
        let history = try #require(ProcSidecarFile.load(forTrace: trace))
        #expect(history.samples == samples)
        #expect(ProcSidecarFile.load(forTrace: trace + ".missing") == nil)
    }
}
