import ArgumentParser
import Foundation
import TraceCapture
import TraceModel

/// `tracetui dump FILE --format folded|chrome|csv|svg|pprof`: write a trace in a format other tools open.
struct Dump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trace as folded stacks (flamegraph.pl, speedscope), Chrome trace-event JSON (Perfetto, "
            + "chrome://tracing), CSV, a flame graph SVG, or a gzipped pprof profile (go tool pprof).",
        discussion: InputHelp.formats)

    @Argument(help: "A trace file (any format below).")
    var file: String

    @Option(help: "folded, chrome, csv, svg or pprof")
    var format: DumpFormat

    @Option(name: [.short, .long], help: "Write here instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("For csv: stream (every line), calls (the merged call paths of `tracetui graph`) or "
                               + "hotspots (the table of `tracetui report`)."))
    var table: ExportTable = .stream

    @Option(help: ArgumentHelp("For chrome, csv and svg: keep the rows this filter matches (the viewer's filter "
                               + "language, e.g. 'event == sched_switch && prev_state == S')."))
    var filter: String?

    enum DumpFormat: String, ExpressibleByArgument, CaseIterable {
        case folded, chrome, csv, svg, pprof
    }

    @OptionGroup var inputFlags: InputFlags

    func run() async throws {
        do {
            let input = try inputFlags.open(file)
            let out = try ExportFile(path: output)
            switch format {
            case .folded:
                let source = try await HotspotLoader.load(input)
                guard let text = source.folded() else {
                    throw ValidationFailure("no stacks or function_graph calls in \(file)")
                }
                var sink = out.sink()
                // Folded text has no escape of its own: control characters in names go out as `\xHH` (SafeText).
                sink.text(SafeText.terminal(text))
                sink.finish()
            case .chrome, .csv, .svg, .pprof:
                try await Export.write(input: input, format: ExportFormat(rawValue: format.rawValue)!, table: table,
                                       filter: filter, warn: { warning($0) }, to: out)
            }
            try out.finish()
        } catch let error as CaptureError {
            throw ValidationFailure(error.description)
        }
    }
}

extension ExportTable: ExpressibleByArgument {}

/// One line on standard error: what the output alone would not say.
private func warning(_ text: String) {
    FileHandle.standardError.write(Data("tracetui: \(text)\n".utf8))
}
