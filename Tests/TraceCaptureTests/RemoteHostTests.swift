import Foundation
import Testing
@testable import TraceCapture

/// The ssh command line of a remote capture, the failure reasons it reports, the index of a host recording.
@Suite("Remote hosts")
struct RemoteHostTests {
    @Test func captureRunsRecordToStdoutUnderSudoWithTheFlagsQuoted() {
        var spec = RemoteSpec(host: "db1", sshOptions: ["-o", "Port=2222"], recordArguments: ["-e", "sched:*", "-C", "mono"])
        #expect(spec.captureArguments(binary: nil) == RemoteSpec.baseOptions.reduce(into: ["ssh"]) { $0.append($1) }
                + ["-o", "Port=2222", "db1", "sudo -n tracetui record -o - --clock-queries -e 'sched:*' -C mono"])
        spec.remoteEnvironment["TRACETUI_TEST_CLOCK_OFFSET_NS"] = "5"
        let line = spec.captureArguments(binary: "/tmp/tracetui-bin.ab12").last!
        #expect(line == "trap '' PIPE HUP; sudo -n env TRACETUI_TEST_CLOCK_OFFSET_NS=5 /tmp/tracetui-bin.ab12 record -o - --clock-queries "
                + "-e 'sched:*' -C mono; status=$?; rm -f /tmp/tracetui-bin.ab12; exit $status")
    }

    @Test func failuresAreSaidInTheUsersWords() {
        // The messages as ssh, sudo and the shell print them on this machine.
        #expect(RemoteCapture.reason(exit: 255, messages: ["ssh: connect to host 127.0.0.1 port 1: Connection refused"],
                                     wasRunning: false, summary: nil)
                == "unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused")
        #expect(RemoteCapture.reason(exit: 1, messages: ["sudo: a password is required"], wasRunning: false, summary: nil)
                == "sudo refused: sudo: a password is required")
        #expect(RemoteCapture.reason(exit: 1, messages: ["sudo: /opt/x/tracetui: command not found"], wasRunning: false,
                                     summary: nil).hasPrefix("no tracetui on the host"))
        #expect(RemoteCapture.reason(exit: 127, messages: ["bash: line 1: sudo: command not found"], wasRunning: false,
                                     summary: nil) == "no sudo on the host")
        #expect(RemoteCapture.reason(exit: 255, messages: ["Connection to 10.0.0.2 closed by remote host."], wasRunning: true,
                                     summary: nil) == "connection dropped: Connection to 10.0.0.2 closed by remote host.")
    }

    @Test func theIndexReadsBackWhatItSaved() throws {
        let dir = NSTemporaryDirectory() + "tracetui-hostindex-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let index = HostIndex(directory: dir, entries: [
            .init(host: "web1", file: "web1.txt", offset: -1234, uncertainty: 80),
            .init(host: "db1", file: "db1.txt", offset: 2_500_000_000, uncertainty: nil),
        ])
        try index.save()
        #expect(HostIndex.load(dir) == index)
        #expect(HostIndex.load(dir + "/hosts.index") == index)
        #expect(HostIndex.load(dir + "/web1.txt") == nil)
        #expect(HostIndex.fileName(forHost: "user@db 1") == "user_db_1.txt")
    }

    @Test func replayOfAHostDirectoryInterleavesTheHostsInOneTimeOrder() async throws {
        // Given two host files of the same moments, db1's clock 2.5 s ahead, and the index saying so.
        let dir = NSTemporaryDirectory() + "tracetui-hostreplay-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func lines(_ comm: String, _ pid: Int, seconds: Int, firstUs: Int) -> String {
            (0..<400).map { k in
                let us = firstUs + 10 * k
                return "  \(comm)-\(pid)  [000] d..2.  \(seconds).\(String(format: "%06d", us)): sched_switch: prev_comm=\(comm) prev_pid=\(pid) prev_prio=120 prev_state=S ==> next_comm=x next_pid=\(k + 1) next_prio=120\n"
            }.joined()
        }
        try lines("web", 100, seconds: 1000, firstUs: 0).write(toFile: dir + "/web1.txt", atomically: true, encoding: .utf8)
        try lines("db", 200, seconds: 1002, firstUs: 500_005).write(toFile: dir + "/db1.txt", atomically: true, encoding: .utf8)
        let index = HostIndex(directory: dir, entries: [
            .init(host: "web1", file: "web1.txt", offset: 0, uncertainty: 50),
            .init(host: "db1", file: "db1.txt", offset: 2_500_000_000, uncertainty: 50),
        ])
        try index.save()
        // When the directory is replayed.
        let session = CaptureSession(sourceName: "hosts")
        await session.replay(hosts: index, inputs: try index.entries.map { try TraceInput(path: dir + "/" + $0.file) })
        let store = session.snapshots.current.store
        // Then the rows of both hosts alternate, in one time order, each on its host.
        #expect(store.count == 800)
        let times = (0..<store.count).map { store.timestamp($0) }
        #expect(times == times.sorted())
        let hosts = (0..<store.count).map { store.hostName(ofRow: $0) }
        #expect(hosts.prefix(6) == ["web1", "db1", "web1", "db1", "web1", "db1"])
        #expect(zip(hosts, (0..<store.count).map { store.lineText($0) }).allSatisfy { h, line in
            line.contains(h == "web1" ? "web-100" : "db-200")
        })
        // Saved again (`w`), each host's file holds its own lines as they were.
        let again = dir + "/again"
        _ = try HostIndex.save(store, to: again)
        #expect(try String(contentsOfFile: again + "/db1.txt", encoding: .utf8)
                == (try String(contentsOfFile: dir + "/db1.txt", encoding: .utf8)))
        #expect(HostIndex.load(again)?.entries.map(\.offset) == [0, 2_500_000_000])
    }
}
