import ArgumentParser
import Foundation
import TraceCapture
import TraceModel

/// `tracetui stat FILE`: the summary of a log, without a UI. `tracetui stat -- COMMAND [ARGS]`: the command's
/// counters, as `perf stat -- COMMAND` prints them (the `--` tells the two apart).
struct Stat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a summary of a trace (no UI), or run a command and count it like perf stat.",
        discussion: """
            tracetui stat FILE: the trace's tracer, CPUs, events per CPU and per name, lost events.

            tracetui stat -- COMMAND ...: run COMMAND (with its children) under perf_event_open counters and print \
            task-clock, context switches, migrations, page faults, cycles and instructions with IPC where the CPU \
            has them, like `perf stat`; the summary goes to stderr (or -o FILE) and the exit code is the command's.

            \(InputHelp.formats)
            """)

    @Argument(help: "A trace file (any format below).")
    var file: String?

    @Option(help: "text or json")
    var format: OutputFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("With -- COMMAND: write the counts to FILE instead of stderr.", valueName: "FILE"))
    var output: String?

    @Argument(parsing: .postTerminator, help: "A command to run and count (with its children), after `--`.")
    var command: [String] = []

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var inputFlags: InputFlags

    func validate() throws {
        if file == nil, command.isEmpty {
            throw ValidationError("give a FILE to summarize, or `-- COMMAND [ARGS]` to count a command")
        }
        if file != nil, !command.isEmpty {
            throw ValidationError("give either a FILE or `-- COMMAND`, not both")
        }
        if output != nil, command.isEmpty { throw ValidationError("--output goes with `-- COMMAND`") }
    }

    func run() async throws {
        if !command.isEmpty { return try count() }
        guard let file else { return }
        let summary: TraceSummary
        do {
            summary = try await inputFlags.open(file, populate: true).summarize()
        } catch {
            // `tracetui stat ls`: the user probably meant to count a command.
            let hint = !FileManager.default.fileExists(atPath: file) && CountedCommand.resolve(file) != nil
                ? " (to count a command: tracetui stat -- \(file))" : ""
            throw ValidationFailure(error.description + hint)
        }
        switch format {
        case .text: printSafe(SummaryReport.text(summary, source: file), terminator: "")
        case .json: printSafe(SummaryReport.json(summary, source: file))
        }
    }

    /// Runs the command under counters and prints what perf stat would; exits with the command's status.
    func count() throws {
        let counts: CommandCounts
        do {
            counts = try CountedCommand.run(command)
        } catch {
            FileHandle.standardError.write(Data(SafeText.terminal("Error: \(error.description)\n").utf8))
            // A shell's codes: 127 not found, 126 found but not executable.
            if case .notFound = error { throw ExitCode(127) }
            if case .notExecutable = error { throw ExitCode(126) }
            throw ExitCode.failure
        }
        let text = format == .json ? PerfStatReport.json(counts) + "\n" : PerfStatReport.text(counts)
        if let output {
            do {
                let file = try AtomicFile(path: output)
                file.write(SafeText.terminal(text))
                try file.commit()
            } catch {
                throw ValidationFailure(error.description)
            }
        } else {
            FileHandle.standardError.write(Data(SafeText.terminal(text).utf8))
        }
        if counts.exitStatus != 0 { throw ExitCode(counts.exitStatus) }
    }
}
