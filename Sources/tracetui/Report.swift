import ArgumentParser
import TraceCapture
import TraceModel

/// `tracetui report FILE`: the hotspot table, like `perf report --stdio` (or `uftrace report`).
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the hotspots of a trace (no UI), like `perf report --stdio`.",
        discussion: """
            perf script text and stacks give samples (children and self), function_graph calls give \
            durations (calls, total, self, avg, max, min), other logs event counts.
            """)

    @Argument(help: "perf script text, an ftrace log (stacks, function_graph) or folded stacks.")
    var file: String

    @Option(help: "Sort keys, perf's syntax: comm,dso,symbol,pid,cpu (event for event counts).")
    var sort: String?

    @Flag(help: "No children column: each sample counts for its leaf function only.")
    var noChildren = false

    @Option(help: "Print at most this many entries.")
    var limit: Int?

    @Option(help: "table, csv or json")
    var format: ReportFormat = .table

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @OptionGroup var inputFlags: InputFlags

    func run() async throws {
        let input: TraceInput
        do {
            input = try inputFlags.open(file, populate: true)
        } catch {
            throw ValidationFailure(error.description)
        }
        var keys: [HotspotKey]?
        if let sort {
            guard let parsed = HotspotKey.parse(sort) else {
                throw ValidationFailure("unknown sort key in '\(sort)' (comm, dso, symbol, pid, cpu, event)")
            }
            keys = parsed
        }
        let source: HotspotSource
        do {
            source = try await HotspotLoader.load(input)
        } catch {
            throw ValidationFailure(error.description)
        }
        let table = source.table(keys: keys, children: !noChildren)
        switch format {
        case .table: printSafe(HotspotReport.text(table, limit: limit, title: file), terminator: "")
        case .csv: printSafe(HotspotReport.csv(table, limit: limit), terminator: "")
        case .json: printSafe(HotspotReport.json(table, limit: limit))
        }
    }
}
