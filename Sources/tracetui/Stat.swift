import ArgumentParser
import TraceCapture
import TraceModel

/// `tracetui stat FILE`: the summary of a log, without a UI.
struct Stat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a summary of an ftrace log (no UI).")

    @Argument(help: "An ftrace text log.")
    var file: String

    @Option(help: "text or json")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() async throws {
        let summary: TraceSummary
        do {
            summary = try await TraceInput(path: file, populate: true).summarize()
        } catch {
            throw ValidationFailure(error.description)
        }
        switch format {
        case .text: print(SummaryReport.text(summary, source: file), terminator: "")
        case .json: print(SummaryReport.json(summary, source: file))
        }
    }
}
