import ArgumentParser
import CBuildInfo

/// `tracetui`: the command line; each subcommand is a small struct that wires parts together.
@main
struct TraceTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracetui",
        abstract: "A terminal UI for Linux ftrace logs: stream, filter, search, inspect.",
        version: TraceTUICommand.version,
        subcommands: [Live.self, Replay.self, Stat.self, Graph.self, Report.self, Dump.self, Dstat.self, Demo.self, Keys.self,
                      Record.self, Cleanup.self, Latency.self],
        defaultSubcommand: Live.self
    )

    /// The release, and the git commit the binary was built from.
    static let release = "0.13.0"
    static let version = "tracetui \(release) (commit \(String(cString: tracetui_git_commit())))"
}
