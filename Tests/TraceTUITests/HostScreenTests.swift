import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// A trace from two hosts in the app: the stream interleaves their rows, the timeline has lanes per host and
/// CPU (`web1 cpu0`, `db1 cpu0`) with db1's dropped connection marked on db1's lanes only, and the system panes
/// say their samples are this machine's. Goldens at 80×24 and 20×6.
@Suite("Host screens")
struct HostScreenTests {
    /// The timeline screen's trace for web1; db1 runs the same pids 100 µs later on a clock 2.5 s ahead, and its
    /// connection drops at 1.0012 (a gap row).
    static func store() -> EventStore {
        var store = EventStore()
        let web = store.hostID(named: "web1"), db = store.hostID(named: "db1")
        let text = TimelineScreenTests.trace
        var merge = HostMerge()
        func add(_ text: String, _ host: UInt16, offset: Int64) {
            let storage = OwnedBytes(Array(text.utf8))
            var p = PieceParser(tracer: "nop").parse(storage, range: 0..<storage.bytes.count)
            p.host = host
            p.shiftTimes(by: offset)
            merge.add(p, into: &store)
        }
        add(text, web, offset: 0)
        // db1's connection drops after its 1.0011 switch and comes back before its 1.0014 one.
        let dbLines = shifted(text).split(separator: "\n", omittingEmptySubsequences: false)
        add(dbLines[..<9].joined(separator: "\n") + "\n", db, offset: 2_500_000_000)
        merge.add(ParsedPiece.gap(host: db, at: 1_001_200_000), into: &store)
        add(dbLines[9...].joined(separator: "\n"), db, offset: 2_500_000_000)
        merge.releaseAll(into: &store)
        return store
    }

    /// db1's lines: each 100 µs later, on a clock 2.5 s ahead (the lost-events line kept).
    static func shifted(_ text: String) -> String {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let m = line.firstMatch(of: #/ 1\.(\d{6}):/#) else {
                out.append(String(line))
                continue
            }
            let us = Int(m.output.1)! + 100
            out.append(line.replacingCharacters(in: m.range, with: " 3.\(String(format: "%06d", 500_000 + us)):"))
        }
        return out.joined(separator: "\n")
    }

    static func app(_ keys: [Key]) async -> TraceApp {
        let store = store()
        let snapshot = TraceSnapshot(source: "hosts", store: store,
                                     progress: LoadProgress(bytesDone: 1, bytesTotal: 1, seconds: 0.01, finished: true),
                                     generation: 1)
        var app = TraceApp(snapshot: snapshot)
        _ = app.handle(.snapshot(snapshot))
        return await GoldenScreenTests.app(app, keys: keys)
    }

    @Test func theStoreInterleavesTheHostsAndKeepsTheirPids() {
        let s = Self.store()
        let times = (0..<s.count).map { s.timestamp($0) }
        #expect(times == times.sorted())
        #expect((0..<4).map { s.hostName(ofRow: $0) } == ["web1", "web1", "db1", "db1"])
        let tl = s.timeline(tasks: .all)
        // Two hosts' cpu 0 are two lanes, each with its own runs.
        #expect(tl.cpus.map { "\(tl.hostPrefix($0.host))cpu\($0.cpu)" } == ["web1 cpu0", "web1 cpu1", "db1 cpu0", "db1 cpu1"])
        #expect(tl.cpus.map(\.runCount) == [4, 3, 4, 3])
        #expect(tl.lane(ofCPU: 0, host: 1)?.times.first == tl.lane(ofCPU: 0, host: 0).map { $0.times[0] + 100_000 })
        // bash (pid 100) on each host is a task of its own.
        #expect(tl.taskLanes.filter { $0.pid == 100 }.count == 2)
        // db1's gap marks db1's lanes, not web1's.
        let from = tl.start, width: Int64 = 100_000
        #expect(LaneGlyphs.lostRow(tl, cpu: 0, host: 1, from: from, width: width, count: 30)[12])
        #expect(!LaneGlyphs.lostRow(tl, cpu: 0, host: 0, from: from, width: width, count: 30)[12])
    }

    @Test(arguments: [(80, 24), (20, 6)])
    func hostScreensMatchTheirGoldens(width: Int, height: Int) async {
        var stream = await Self.app([])
        Golden.check(stream.draw(width: width, height: height), "hosts-stream-\(width)x\(height)")
        var timeline = await Self.app([.char("7")])
        Golden.check(timeline.draw(width: width, height: height), "hosts-timeline-\(width)x\(height)")
        var panes = await Self.app([.char("5")])
        Golden.check(panes.draw(width: width, height: height), "hosts-system-\(width)x\(height)")
    }
}
