import ArgumentParser

/// `tracetui`: the command line; each subcommand is a small struct that wires parts together.
@main
struct TraceTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracetui",
        abstract: "A terminal UI for Linux ftrace logs: stream, filter, search, inspect.",
        subcommands: [Replay.self, Stat.self, Graph.self, Dump.self, Demo.self, Keys.self],
        defaultSubcommand: nil
    )
}
