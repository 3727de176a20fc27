import Foundation
import Testing

extension EndToEnd.Hosts {
    /// This machine's CPUs as /proc/stat lists them (the test hosts share its kernel: each remote's count).
    static var cpuCount: Int {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: "\n").filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }.count
    }

    /// The CPU numbers of the per-CPU bars on a panes screen (`  0 [|||  12%]    1 [...]`).
    static func cpuBars(_ s: ScreenText) -> [Int] {
        s.lines.prefix(8).flatMap { $0.matches(of: #/ (\d+) \[[^\]]*\d+%\]/#).map { Int($0.output.1)! } }.sorted()
    }

    /// Live from one host: its capture's stream carries its /proc samples; `5` shows this machine's panes,
    /// `h` host1's — titled with its name, a bar per CPU of the host, and rates that move.
    @Test(.enabled(if: EndToEnd.Hosts.available))
    func liveHostPanesShowTheRemotesOwnSamples() async throws {
        let lab = try SSHLab(hosts: 1)
        defer { lab.close() }
        let session = try TmuxSession(width: 160, height: 30)
        defer { session.close() }
        try session.launch("--host", "host1", "--ssh-config", lab.config, "--remote-tracetui", try Fixture.binary(),
                           "-e", "sched:sched_switch")
        try await session.waitUntil("host1 running", timeout: .seconds(30)) { s in
            s.status.contains("host1 +") || s.status.contains("host1 −")
        }
        try session.send("5")
        try await session.waitFor("System of this machine")
        try session.send("h")
        // Two samples make the first rate: about two seconds after the capture started.
        let panes = try await session.waitUntil("host1's panes", timeout: .seconds(20)) { s in
            s.text.contains("System of host1 at") && !Self.cpuBars(s).isEmpty
        }
        #expect(Self.cpuBars(panes) == Array(0..<Self.cpuCount), "\(panes.text)")
        let ctxt = try #require(panes.text.firstMatch(of: #/ctxt (\S+)/s/#)?.output.1, "\(panes.text)")
        #expect(ctxt != "0", "host1's context switches per second: \(ctxt)")
        try await session.quitAndExpectRestoredTerminal()
        #expect(LiveTracing.deadInstances.isEmpty, "left behind: \(LiveTracing.deadInstances)")
    }

    /// `record --host` keeps each host's samples beside its file (HOST.txt.proc): a sample a second, the host's
    /// CPUs in each, none of their lines in the event file.
    static func checkSidecars(_ out: String, hosts: [String], seconds: Int) throws {
        for host in hosts {
            let events = try String(contentsOfFile: "\(out)/\(host).txt", encoding: .utf8)
            #expect(!events.contains("#tracetui-proc"), "\(host).txt holds sample lines")
            let sidecar = try String(contentsOfFile: "\(out)/\(host).txt.proc", encoding: .utf8)
            let lines = sidecar.split(separator: "\n")
            let samples = lines.filter { $0.hasPrefix("T ") }.count
            // One before tracing, one a second while it ran (ssh and the remote's start take part of the run, more
            // so under load), one after it stopped.
            #expect(samples >= 2 && samples <= seconds + 2, "\(host): \(samples) samples in \(seconds) s")
            #expect(lines.filter { $0.hasPrefix("c ") && !$0.hasPrefix("c -1 ") }.count == samples * cpuCount)
            let switches = lines.filter { $0.hasPrefix("s ") }.compactMap { Int($0.split(separator: " ")[1]) }
            #expect(switches.count == samples && switches.last! > switches.first!, "\(host): ctxt \(switches)")
        }
    }
}
