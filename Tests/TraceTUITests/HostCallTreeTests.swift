import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The call tree (key 2) of a trace from two hosts: every host's calls when the stream has no host filter, only
/// web1's under `host == web1`, only db1's under `host == db1`. Goldens at 90×14 and 20×6.
@Suite("Host call tree")
struct HostCallTreeTests {
    /// web1 reads (vfs_read → tty_read), db1 writes (vfs_write → ext4_file_write_iter), the same moments.
    static func graph(_ outer: String, _ inner: String, _ leaf: String, start: Int) -> String {
        func t(_ us: Int) -> String { "100.\(String(format: "%06d", start + us))" }
        return """
        # tracer: function_graph
        #
        #     TIME        CPU  DURATION                  FUNCTION CALLS
        #      |          |     |   |                     |   |   |   |
         \(t(0)) |   0)               |  \(outer)() {
         \(t(10)) |   0)               |    \(inner)() {
         \(t(20)) |   0)   5.000 us    |      \(leaf)();
         \(t(40)) |   0) + 30.000 us   |    }
         \(t(50)) |   0) + 50.000 us   |  }
         \(t(100)) |   0)   2.000 us    |  \(outer)();

        """
    }

    static func store() -> EventStore {
        var store = EventStore()
        let web = store.hostID(named: "web1"), db = store.hostID(named: "db1")
        var merge = HostMerge()
        func add(_ text: String, _ host: UInt16) {
            let storage = OwnedBytes(Array(text.utf8))
            var p = PieceParser(tracer: "function_graph").parse(storage, range: 0..<storage.bytes.count)
            p.host = host
            merge.add(p, into: &store)
        }
        add(graph("vfs_read", "tty_read", "n_tty_read", start: 0), web)
        add(graph("vfs_write", "ext4_file_write_iter", "ext4_buffered_write_iter", start: 5), db)
        merge.releaseAll(into: &store)
        return store
    }

    static func app(filter: String?) -> TraceApp {
        let snapshot = TraceSnapshot(source: "hosts", store: store(),
                                     progress: LoadProgress(bytesDone: 1, bytesTotal: 1, seconds: 0.01, finished: true),
                                     generation: 1)
        var app = TraceApp(snapshot: snapshot)
        _ = app.handle(.snapshot(snapshot))
        if let filter {
            _ = app.handle(.char("f"))
            for c in filter { _ = app.handle(.char(c)) }
            _ = app.handle(.enter)
        }
        _ = app.handle(.char("2"))
        return app
    }

    /// The names of the tree's calls as the view lists them, all unfolded.
    static func names(_ app: TraceApp) -> Set<String> {
        let calls = app.tree!.model.calls
        return Set((0..<calls.count).map { app.tree!.model.name($0) })
    }

    @Test func aHostFilterGivesEachHostItsOwnTree() {
        let all = Self.app(filter: nil), web = Self.app(filter: "host == web1"), db = Self.app(filter: "host == db1")
        #expect(all.focus == .tree && web.focus == .tree && db.focus == .tree)
        #expect(all.tree?.hostScope == nil)
        #expect(Self.names(all) == ["vfs_read", "tty_read", "n_tty_read", "vfs_write", "ext4_file_write_iter",
                                    "ext4_buffered_write_iter"])
        #expect(Self.names(web) == ["vfs_read", "tty_read", "n_tty_read"])
        #expect(Self.names(db) == ["vfs_write", "ext4_file_write_iter", "ext4_buffered_write_iter"])
        #expect(web.tree!.model.calls.count == 4 && db.tree!.model.calls.count == 4 && all.tree!.model.calls.count == 8)
        // Without a host filter the tree is the one every host's calls make (the capture's own).
        #expect(all.tree!.model.calls == CallTree(store: Self.store()))
    }

    @Test func aFilterOnMoreThanTheHostLeavesEveryHostsCalls() {
        let app = Self.app(filter: "host == web1 && cpu == 0")
        #expect(app.tree?.hostScope == nil)
        #expect(app.tree!.model.calls.count == 8)
    }

    @Test(arguments: [(90, 14), (20, 6)])
    func hostTreeScreensMatchTheirGoldens(width: Int, height: Int) {
        var web = Self.app(filter: "host == web1")
        Golden.check(web.draw(width: width, height: height), "hosts-tree-web1-\(width)x\(height)")
        var db = Self.app(filter: "host == db1")
        Golden.check(db.draw(width: width, height: height), "hosts-tree-db1-\(width)x\(height)")
    }
}
