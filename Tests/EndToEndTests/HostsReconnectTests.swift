import Foundation
import Testing

extension EndToEnd.Hosts {
    /// One row of the stream's CSV export with the host column: its time in ns, event and host.
    struct CSVRow {
        let time: Int64
        let event: String
        let host: String
    }

    static func csvRows(_ path: String) throws -> [CSVRow] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n")
        #expect(lines.first == "row,time,cpu,task,pid,event,details,host")
        lines.removeFirst()
        return lines.compactMap { line in
            // row,time,cpu,task,pid,event,… ; the host is the last field (no comma in the test's host names).
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count >= 8, let dot = f[1].firstIndex(of: ".") else { return nil }
            let sec = Int64(f[1][..<dot]) ?? 0
            let frac = String(f[1][f[1].index(after: dot)...]).padding(toLength: 9, withPad: "0", startingAt: 0)
            return CSVRow(time: sec * 1_000_000_000 + (Int64(frac) ?? 0), event: String(f[5]), host: String(f.last!))
        }
    }

    /// Live from two hosts: the rows of both come out in one time order; host2's connection is dropped mid-run
    /// (its ssh sessions killed, its sshd left up): the status bar says so, host2 comes back after its back-off
    /// with a new offset, its events resume, and the gap is a lost-events row on host2.
    @Test(.enabled(if: EndToEnd.Hosts.available))
    func liveRowsInterleaveAndADroppedHostReconnectsWithItsGapMarked() async throws {
        let lab = try SSHLab(hosts: 2)
        defer { lab.close() }
        let session = try TmuxSession(width: 220, height: 24)
        defer { session.close() }
        let words = [try Fixture.binary(), "--host", "host1", "--host", "host2", "--ssh-config", lab.config,
                     "--remote-tracetui", try Fixture.binary(), "-e", "sched:sched_switch"].map(shellQuoted)
        try session.run("clear; cd \(shellQuoted(lab.directory)) && \(words.joined(separator: " ")); echo \"EXIT=$?\"")
        let running: (ScreenText) -> Bool = { s in
            ["host1 ", "host2 "].allSatisfy { h in s.status.contains(h + "+") || s.status.contains(h + "−") }
        }
        try await session.waitUntil("both hosts running with their offsets", timeout: .seconds(30), running)
        try await session.waitFor("HOST")
        try await Task.sleep(for: .seconds(1))

        try lab.drop(host: 2)
        let dropped = try await session.waitUntil("host2's drop said", timeout: .seconds(20)) { s in
            s.status.contains("host2: ")
        }
        #expect(dropped.status.contains("host2: connection dropped"), "\(dropped.status)")
        #expect(!dropped.status.contains("host1: "), "host1 goes on: \(dropped.status)")
        let back = try await session.waitUntil("host2 back, its gap counted", timeout: .seconds(30)) { s in
            running(s) && s.status.contains("(1 gap)")
        }
        #expect(back.status.contains("host2 "), "\(back.status)")
        // Events come from host2 again; then the whole stream is exported.
        try await Task.sleep(for: .seconds(2))
        try session.send("x")
        try await session.waitFor("CSV of the event stream")
        try session.send("v")
        let exported = try await session.waitUntil("the export", timeout: .seconds(20)) { $0.text.contains("exported ") }
        let name = try #require(exported.text.firstMatch(of: #/exported \d+ records to (\S+\.csv)/#)?.output.1)
        let path = name.hasPrefix("/") ? String(name) : lab.directory + "/" + name
        let rows = try Self.csvRows(path)

        // One time order across the hosts, with both hosts' rows among each other.
        let times = rows.map(\.time)
        let late = rows.indices.dropFirst().filter { times[$0 - 1] > times[$0] }
        #expect(late.isEmpty, "rows out of time order: \(late.map { "\(rows[$0 - 1]) > \(rows[$0])" }) of \(rows.count)")
        let switches = zip(rows, rows.dropFirst()).filter { $0.host != $1.host }.count
        #expect(switches >= 10, "the hosts' rows alternate: \(switches) changes of host in \(rows.count) rows")
        // host2: one gap row, its events before and after it.
        let host2 = rows.filter { $0.host == "host2" }
        let gaps = host2.indices.filter { host2[$0].event == "(lost events)" }
        #expect(gaps.count == 1, "host2's gap rows: \(gaps.count)")
        if let g = gaps.first {
            #expect(host2[..<g].contains { $0.event == "sched_switch" }, "host2's events before the drop")
            #expect(host2[(g + 1)...].contains { $0.event == "sched_switch" }, "host2's events after it reconnected")
        }
        #expect(!rows.contains { $0.host == "host1" && $0.event == "(lost events)" }, "host1 lost nothing")

        try await session.quitAndExpectRestoredTerminal()
        #expect(LiveTracing.deadInstances.isEmpty, "left behind: \(LiveTracing.deadInstances)")
    }
}
