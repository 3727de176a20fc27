import ArgumentParser

/// `tracetui`: the command line; each subcommand is a small struct that wires parts together.
@main
struct TraceTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracetui",
        abstract: "A terminal UI for Linux ftrace logs: stream, filter, search, inspect.",
        subcommands: [Live.self, Replay.self, Stat.self, Graph.self, Report.self, Dump.self, Dstat.self, Demo.self, Keys.self,
                      Record.self, Cleanup.self, Latency.self],
        defaultSubcommand: Live.self
    )
}
