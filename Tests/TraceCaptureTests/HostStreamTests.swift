import Testing
import TraceModel
@testable import TraceCapture

/// A dropped host's gap row comes after every line its connection sent, whatever order the reader's last lines
/// and the supervisor's drop notice arrive in (the race `liveFromThreeHostsWithACopiedBinary…` once lost).
@Suite("Host stream order")
struct HostStreamTests {
    static func lines(_ first: Int, _ count: Int) -> RawEventReader.TextRange {
        let text = (first..<(first + count)).map { k in
            "  web-100  [000] d..2.  1000.\(String(format: "%06d", 10 * k)): sched_switch: prev_comm=web prev_pid=100 "
                + "prev_prio=120 prev_state=S ==> next_comm=x next_pid=\(k + 1) next_prio=120\n"
        }.joined()
        let bytes = Array(text.utf8)
        return RawEventReader.TextRange(block: LiveBlock(copying: bytes), range: 0..<bytes.count)
    }

    /// host `web1`'s rows in store order: "S" for a sched_switch, "G" for the gap row.
    static func order(_ store: EventStore) -> String {
        (0..<store.count).map { store.lineText($0).contains("LOST EVENTS") ? "G" : "S" }.joined()
    }

    @Test func lateLinesAfterTheDropNoticeStillGoBeforeTheGap() {
        // Given a running connection whose first lines were taken and merged.
        let capture = RemoteCapture(RemoteSpec(host: "web1", sshOptions: [], recordArguments: []))
        capture.shared.withLock { $0.released = true }
        var store = EventStore()
        let id = store.hostID(named: "web1")
        var merge = HostMerge()
        let feed = LiveFeed(keep: .max, maxBytes: .max)
        func takeAndMerge() {
            _ = CaptureSession.absorb(capture.take(), host: id, feed: feed, merge: &merge, store: &store)
            merge.releaseAll(into: &store)
        }
        capture.push(Self.lines(0, 3))
        takeAndMerge()
        // When the drop is noticed first, a take happens, and only then the connection's last lines are read.
        capture.noteDrop()
        takeAndMerge()
        capture.push(Self.lines(3, 2))
        capture.endOfOutput()
        takeAndMerge()
        // Then the gap is the host's last row, after all five lines.
        #expect(Self.order(store) == "SSSSSG")
        #expect(capture.status.drops == 1)
        // And the next connection's lines come after it.
        capture.shared.withLock { $0.stream.newConnection() }
        capture.push(Self.lines(5, 1))
        takeAndMerge()
        #expect(Self.order(store) == "SSSSSGS")
    }

    @Test func aDropNoticedAfterTheOutputEndedIsMarkedAtOnce() {
        let capture = RemoteCapture(RemoteSpec(host: "web1", sshOptions: [], recordArguments: []))
        capture.shared.withLock { $0.released = true }
        var store = EventStore()
        let id = store.hostID(named: "web1")
        var merge = HostMerge()
        capture.push(Self.lines(0, 2))
        capture.endOfOutput()
        capture.noteDrop()
        // A new connection's lines queued before the live loop's next take still come after the gap.
        capture.shared.withLock { $0.stream.newConnection() }
        capture.push(Self.lines(2, 2))
        _ = CaptureSession.absorb(capture.take(), host: id, feed: LiveFeed(keep: .max, maxBytes: .max), merge: &merge,
                                  store: &store)
        merge.releaseAll(into: &store)
        #expect(Self.order(store) == "SSGSS")
    }
}
