import Foundation

/// Test hosts reached over ssh: `Benchmarks/ssh-hosts.sh` makes network namespaces with an sshd each (or sshds on
/// 127.0.0.1 where namespaces cannot be made) and a private ssh_config naming them host1…hostN.
final class SSHLab {
    let directory: String
    let config: String
    let mode: String

    static let script = Fixture.packageRoot.appendingPathComponent("Benchmarks/ssh-hosts.sh").path

    /// nil when the lab can be made; otherwise why not (printed with the skip).
    static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "the ssh host tests need root (namespaces, sshd)" }
        for tool in ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/sudo", "/usr/sbin/ip", "/usr/bin/nsenter"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (openssh-server, openssh-client, sudo, iproute2)"
        }
        return nil
    }()

    static var isAvailable: Bool {
        if let reason = unavailableReason { print("skipping ssh host tests: \(reason)") }
        return unavailableReason == nil
    }

    init(hosts: Int) throws {
        directory = try Fixture.temporaryDirectory()
        let up = try CommandResult.run("/bin/bash", [Self.script, "up", directory, String(hosts)], timeout: .seconds(30))
        guard up.status == 0 else {
            _ = try? CommandResult.run("/bin/bash", [Self.script, "down", directory], timeout: .seconds(20))
            throw E2EError("ssh-hosts.sh up failed (\(up.status)): \(up.stderr.suffix(500))")
        }
        config = directory + "/ssh_config"
        mode = (try? String(contentsOfFile: directory + "/mode", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        print("ssh test hosts: \(mode)")
    }

    /// Adds an alias that nothing answers (connection refused at once).
    func addRefusedHost(_ name: String) throws {
        let text = "Host \(name)\n    HostName 127.0.0.1\n    Port 1\n    User root\n    ConnectTimeout 3\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    /// hostK's sshd and its sessions die: the connection drops as a crashed machine's would.
    func kill(host k: Int) throws {
        _ = try CommandResult.run("/bin/bash", [Self.script, "kill", directory, String(k)], timeout: .seconds(10))
    }

    /// hostK's ssh sessions die, its sshd stays: the connections drop and the host can be reached again.
    func drop(host k: Int) throws {
        _ = try CommandResult.run("/bin/bash", [Self.script, "drop", directory, String(k)], timeout: .seconds(10))
    }

    func close() {
        _ = try? CommandResult.run("/bin/bash", [Self.script, "down", directory], timeout: .seconds(20))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Copies `--remote-binary` made and did not remove.
    static var copiedBinaries: Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("tracetui-bin.") })
    }
}
