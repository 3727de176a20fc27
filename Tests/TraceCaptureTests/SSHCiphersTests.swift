import Foundation
import Testing
@testable import TraceCapture

/// AES-GCM goes first only where the user left ssh's cipher list at its default, and only on a CPU with AES
/// instructions; a list the user chose (in ssh_config or `--ssh-option`) is left alone.
@Suite struct SSHCiphersTests {
    static let defaultList = "ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"

    @Test func onlyTheDefaultListOnAnAESMachineIsReordered() {
        #expect(SSHCiphers.preference(effective: "user root\n" + Self.defaultList + "\nport 22", cpuHasAES: true))
        #expect(!SSHCiphers.preference(effective: Self.defaultList, cpuHasAES: false))
        #expect(!SSHCiphers.preference(effective: "ciphers aes256-ctr,chacha20-poly1305@openssh.com", cpuHasAES: true))
        #expect(!SSHCiphers.preference(effective: "ciphers chacha20-poly1305@openssh.com", cpuHasAES: true))
        #expect(!SSHCiphers.preference(effective: "", cpuHasAES: true))
    }

    @Test func aCipherOptionOfTheUsersWins() {
        #expect(SSHCiphers.options(host: "localhost", sshOptions: ["-o", "Ciphers=aes256-ctr"]).isEmpty)
    }

    /// ssh itself accepts the reordered list (`ssh -G` with it prints AES-GCM first).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"), "ssh is not installed"))
    func sshTakesTheReorderedList() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        process.arguments = ["-G", "-o", "Ciphers=" + SSHCiphers.preferred, "localhost"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ciphers ") })
        #expect(line.hasPrefix("ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,"), "\(line)")
        #expect(line.contains("chacha20-poly1305@openssh.com"), "the rest of the default set stays: \(line)")
    }
}
