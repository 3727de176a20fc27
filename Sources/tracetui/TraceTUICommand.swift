import ArgumentParser
import Foundation
import TraceModel

/// `tracetui`: the command line; each subcommand is a small struct that wires parts together.
@main
struct TraceTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracetui",
        abstract: "A terminal trace explorer for Linux: ftrace, trace.dat, perf, uftrace; live or saved.",
        version: TraceTUICommand.version,
        subcommands: [Live.self, Replay.self, Stat.self, Graph.self, Report.self, Annotate.self, Dump.self, Dstat.self, Demo.self,
                      Keys.self, Record.self, Cleanup.self, Latency.self, TimelineCommand.self, BpfCommand.self],
        defaultSubcommand: Live.self
    )

    /// The release, and the git commit the binary was built from.
    static let release = "0.13.0"
    static let version = "tracetui \(release) (commit \(buildCommit))"

    /// ArgumentParser's own main, but error messages (which quote file names and trace text) are printed with
    /// their control characters escaped (`SafeText`), never raw.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success {
                    print(message)
                } else {
                    FileHandle.standardError.write(Data((SafeText.terminal(message) + "\n").utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
