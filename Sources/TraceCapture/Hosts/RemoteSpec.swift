import Foundation

/// How to reach one host and what to run there: the ssh command line of a remote capture.
public struct RemoteSpec: Sendable {
    /// The name the user gave (`--host db1`): what ssh connects to and what the host column shows.
    public var host: String
    /// ssh's own options before the host (`-o BatchMode=yes`, `--ssh-option`s, `-F FILE`).
    public var sshOptions: [String]
    /// tracetui on the host (`tracetui` from its PATH, or an absolute path).
    public var remoteCommand: String
    /// The capture flags for `record -o -` there.
    public var recordArguments: [String]
    /// `--remote-binary`: this local file is copied to a temporary path on the host, run, then removed.
    public var copyBinary: String?
    /// The trace clock the host records with (`mono` unless the user picked another): what clock queries read.
    public var traceClock: String
    /// Extra environment for the remote command, put before it through `env` (tests: a fake clock offset).
    public var remoteEnvironment: [String: String] = [:]

    public init(host: String, sshOptions: [String], remoteCommand: String = "tracetui", recordArguments: [String],
                copyBinary: String? = nil, traceClock: String = "mono") {
        self.host = host
        self.sshOptions = sshOptions
        self.remoteCommand = remoteCommand
        self.recordArguments = recordArguments
        self.copyBinary = copyBinary
        self.traceClock = traceClock
    }

    /// ssh's options every connection gets: never a prompt (BatchMode), no terminal, and a dead peer noticed
    /// within about 15 s (keep-alives).
    public static let baseOptions = ["-T", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]

    /// The argv of the capture: `ssh … HOST sudo -n TRACETUI record -o - --clock-queries FLAGS`; with a copied
    /// binary at `binary`, the shell on the host removes it once the capture ends, however it ends.
    public func captureArguments(binary: String?) -> [String] {
        var remote = ["sudo", "-n"]
        if !remoteEnvironment.isEmpty {
            remote += ["env"] + remoteEnvironment.keys.sorted().map { "\($0)=\(remoteEnvironment[$0]!)" }
        }
        remote += [binary ?? remoteCommand, "record", "-o", "-", "--clock-queries"] + recordArguments
        var line = remote.map(Self.quoted).joined(separator: " ")
        // The shell outlives a dropped connection to remove the copy: a write to the dead channel must not end it.
        if let binary { line = "trap '' PIPE HUP; " + line + "; status=$?; rm -f \(Self.quoted(binary)); exit $status" }
        return ["ssh"] + Self.baseOptions + sshOptions + [host, line]
    }

    /// The argv that copies stdin to a new temporary file on the host and prints its path.
    public func copyArguments() -> [String] {
        let script = "f=$(mktemp /tmp/tracetui-bin.XXXXXX) && cat > \"$f\" && chmod 755 \"$f\" && echo \"$f\""
        return ["ssh"] + Self.baseOptions + sshOptions + [host, script]
    }

    /// One word for the remote shell.
    static func quoted(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=,@%+".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
