import ArgumentParser
import TraceCapture
import TraceModel

/// `tracetui dump FILE --format chrome|csv|svg`: write a trace in a format other tools open.
struct Dump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trace as Chrome trace-event JSON (Perfetto, chrome://tracing), CSV, or a flame graph SVG.")

    @Argument(help: "A trace: ftrace / trace-cmd text, trace.dat, Chrome JSON, .gz / .zst; for svg also folded stacks.")
    var file: String

    @Option(help: "chrome, csv or svg")
    var format: ExportFormat

    @Option(name: [.short, .long], help: "Write here instead of standard output.")
    var output: String?

    @Option(help: "For csv: stream (every line) or calls (the merged call paths of `tracetui graph`).")
    var table: ExportTable = .stream

    func run() async throws {
        do {
            let input = try TraceInput(path: file)
            let out = try ExportFile(path: output)
            try await Export.write(input: input, format: format, table: table, to: out)
            try out.finish()
        } catch let error as CaptureError {
            throw ValidationFailure(error.description)
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
extension ExportTable: ExpressibleByArgument {}
