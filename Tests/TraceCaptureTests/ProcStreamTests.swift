import Testing
import TraceModel
@testable import TraceCapture

/// A remote's /proc samples ride in its text (`ProcStream`): the viewer's reader takes them out before the text
/// is parsed, reads them back, and counts a sample it cannot read.
@Suite("Proc samples in a host's stream")
struct ProcStreamTests {
    static func sample(_ k: Int) -> ProcSample {
        var s = ProcSample()
        s.monotonic = 1_000_000_000 + Int64(k) * 1_000_000_000
        s.realtime = 1_795_000_000_000_000_000
        var t = CPUTimes()
        t.fields = [UInt64(100 * k), 0, 50, 1000, 0, 0, 0, 0, 0, 0]
        s.stat.cpus = [(0, t), (1, t), (2, t)]
        s.stat.total = t
        s.stat.contextSwitches = UInt64(500 * k)
        return s
    }

    static let event = "  web-100  [000] d..2.  1000.000010: sched_switch: prev_comm=web prev_pid=100 prev_prio=120 "
        + "prev_state=S ==> next_comm=x next_pid=1 next_prio=120\n"

    @Test func sampleLinesAreTakenOutOfTheTextAndReadBack() throws {
        // Given events with two samples among them (one at the very start), shifted by a fake 2 s offset.
        var text = Array(ProcStream.encode(Self.sample(1), pageSize: 4096, shift: 2_000_000_000))
        text += Array((Self.event + Self.event).utf8)
        text += ProcStream.encode(Self.sample(2), pageSize: 16384)
        text += Array(Self.event.utf8)
        // A line that looks like one but is not at a line start stays text; so does an unknown `#tracetui-` line.
        let odd = "  web-100  [000] d..2.  1000.000020: print: #tracetui-proc end\n#tracetui-other 1\n"
        text += Array(odd.utf8)
        let capture = RemoteCapture(RemoteSpec(host: "web1", sshOptions: [], recordArguments: []))
        capture.shared.withLock { $0.released = true }
        let block = LiveBlock(copying: text)
        var collector = ProcStream.Collector()
        capture.pushLines(block, 0..<text.count, samples: &collector)
        let batch = capture.take()
        // Then the text holds the events and the odd lines, nothing of the samples.
        var kept = ""
        for case .text(let r) in batch.items { kept += String(decoding: r.bytes, as: UTF8.self) }
        #expect(kept == Self.event + Self.event + Self.event + odd)
        // And both samples came back whole, the first moved by the fake offset, with the remote's page size.
        #expect(batch.samples.count == 2)
        #expect(batch.samples.map(\.monotonic) == [4_000_000_000, 3_000_000_000])
        #expect(batch.samples[1].stat.cpus.count == 3 && batch.samples[1].stat.contextSwitches == 1000)
        #expect(batch.pageSize == 16384)
        #expect(batch.unreadableSamples == 0)
    }

    @Test func aCutSampleIsCountedNotKept() {
        var lines = ProcStream.encode(Self.sample(1), pageSize: 4096)
        // The header line lost: the rest cannot be read as a sample.
        let header = lines.firstIndex(of: 0x0A)!
        lines.removeSubrange(0...header)
        let capture = RemoteCapture(RemoteSpec(host: "web1", sshOptions: [], recordArguments: []))
        capture.shared.withLock { $0.released = true }
        var collector = ProcStream.Collector()
        capture.pushLines(LiveBlock(copying: lines), 0..<lines.count, samples: &collector)
        let batch = capture.take()
        #expect(batch.samples.isEmpty)
        #expect(batch.unreadableSamples == 1)
        #expect(batch.items.isEmpty)
    }
}
