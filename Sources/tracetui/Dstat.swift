import ArgumentParser
import Foundation
import TraceCapture
import TraceModel

/// `tracetui dstat`: dstat-style rows of /proc rates on stdout (no UI), optionally kept in a sidecar file.
struct Dstat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print CPU, disk, network, paging and system rates every interval, like dstat (no UI).")

    @Option(help: "Seconds between rows (at least 0.1).")
    var interval: Double = 1

    @Option(help: "Rows to print, then exit (default: until interrupted).")
    var count: Int?

    @Option(help: "table, csv or json (one object per line)")
    var format: Format = .table

    @Option(help: ArgumentHelp("Also write every sample to FILE: a sidecar that `replay` shows in the system panes when it sits next to a trace as TRACE.proc.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Print the rows of a recorded sidecar (see --output) instead of sampling.", valueName: "FILE"))
    var from: String?

    @Flag(help: "Show the system panes full screen instead of printing rows (v: dstat's table, q: quit).")
    var ui = false

    @Option(help: .hidden)
    var procRoot: String = "/proc"

    @OptionGroup var display: DisplayOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    func validate() throws {
        guard interval >= 0.1, interval.isFinite else { throw ValidationError("--interval must be at least 0.1") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let writer: ProcSidecarWriter?
        do {
            writer = try output.map { path throws(CaptureError) in try ProcSidecarWriter(path: path) }
        } catch {
            throw ValidationFailure(error.description)
        }
        // The full-screen panes also count with perf_event_open (the counters table); the printed rows do not.
        let sampler = ProcSampler(root: procRoot, interval: .milliseconds(Int((interval * 1000).rounded())),
                                  counters: ui)
        if let from {
            guard let recorded = ProcSidecarFile.load(path: from) else {
                throw ValidationFailure("\(from): not a tracetui /proc sidecar (see `tracetui dstat --output`)")
            }
            if format == .csv { print(DstatTable.csvHeader()) }
            let last = min(recorded.count - 1, count ?? Int.max)
            if last >= 1 {
                for i in 1...last { emit(recorded.rates[i], recorded.samples[i], row: i - 1) }
            }
            return
        }
        if ui {
            try await MainActor.run { try LivePanes.run(sampler: sampler, writer: writer, display: display) }
            return
        }
        var history = ProcHistory(pageSize: ProcReader.pageSize, limit: 2)
        var rows = 0
        switch format {
        case .table: break
        case .csv: printSafe(DstatTable.csvHeader())
        case .json: break
        }
        for await sample in sampler.samples() {
            writer?.append(sample)
            history.append(sample)
            // The first sample only starts the first interval.
            guard history.count == 2, let rates = history.rates.last else { continue }
            emit(rates, sample, row: rows)
            rows += 1
            // Rows reach a pipe (`| tee`, a test) as they are printed, not when a buffer fills.
            fflush(nil)
            if let count, rows >= count { break }
        }
    }

    /// One interval in the chosen format; the table repeats its header every 24 rows, like dstat.
    func emit(_ rates: ProcRates, _ sample: ProcSample, row: Int) {
        switch format {
        case .table:
            if row % 24 == 0 {
                printSafe(DstatTable.titleLine())
                printSafe(DstatTable.namesLine())
            }
            printSafe(DstatTable.row(rates))
        case .csv: printSafe(DstatTable.csvRow(rates, time: sample.realtime))
        case .json: printSafe(DstatTable.jsonRow(rates, sample: sample))
        }
    }
}
