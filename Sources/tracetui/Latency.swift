import ArgumentParser
import TraceCapture
import Foundation
import TraceModel

/// `tracetui latency FILE…`: scheduling delay, syscall, irq and block I/O latency of a trace, with no UI.
struct Latency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print scheduling, syscall, irq and block I/O latency of a trace (no UI).",
        discussion: """
            sched: per task (by comm as `perf sched latency`, --by pid per thread), run time, switches, average \
            and maximum delay from wakeup (or preemption) to the sched_switch that runs it, and time runnable, \
            sleeping (S) and blocked (D).

            syscalls: per syscall and per task as `perf trace -s`, calls, errors, total, min, avg, max, stddev %.

            irq: per hard irq and softirq vector, count, total and maximum handler time.

            block: per device, I/Os, bytes, issue-to-completion latency.

            Every row also has p50/p90/p99 and a log2 histogram (--histogram; always in JSON).

            \(InputHelp.formats)
            """)

    @Argument(help: "Trace files (ftrace text, trace.dat, trace-cmd report, perf script text, perf.data, …); several are merged on one timeline as replay merges them.")
    var files: [String]

    @Option(help: "comm (threads of one name together, as perf sched latency) or pid (one row per thread).")
    var by: LatencyGrouping = .comm

    @Option(help: "Sections to print, comma-separated: sched,syscalls,irq,block.")
    var section: String = "sched,syscalls,irq,block"

    @Option(help: "table, csv or json")
    var format: OutputFormat = .table

    @Flag(help: "With the table format: print each row's log2 histogram.")
    var histogram = false

    @Option(help: "Print at most this many rows per table.")
    var limit: Int?

    @Option(help: "Worst occurrences kept per row (JSON).")
    var worst: Int = 10

    @Option(help: ArgumentHelp("Scheduling delay rules: current (perf 6.4 on), perf-6.3 (sched_waking ignored, a preempted task taken as asleep) or trace-cmd (report --profile: sched_wakeup to switch-in only), to compare with those tools.", valueName: "RULES"))
    var rules: SchedDelayRules = .current

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    func sections() throws -> [LatencySection] {
        var out: [LatencySection] = []
        for word in section.split(separator: ",") {
            guard let s = LatencySection(rawValue: word.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown section '\(word)' (sched, syscalls, irq, block)")
            }
            if !out.contains(s) { out.append(s) }
        }
        guard !out.isEmpty else { throw ValidationError("no section given") }
        return out
    }

    func validate() throws {
        _ = try sections()
        if files.isEmpty { throw ValidationError("give a trace file") }
    }

    func run() async throws {
        let chosen = try sections()
        var inputs: [TraceInput] = []
        do {
            for file in files { inputs.append(try TraceInput(path: file, populate: files.count == 1)) }
        } catch {
            throw ValidationFailure(error.description)
        }
        var notes: [String] = []
        let store: EventStore
        if inputs.count == 1 {
            do {
                store = try await inputs[0].load()
            } catch {
                throw ValidationFailure(error.description)
            }
        } else {
            // Several files: one timeline, merged as the viewer merges them (replay FILE…).
            let session = CaptureSession(sourceName: files.joined(separator: " + "))
            await session.replay(inputs)
            let snapshot = session.snapshots.current
            store = snapshot.store
            if let note = snapshot.error { notes.append(note) }
        }
        var options = LatencyOptions(sections: Set(chosen), grouping: by, worst: worst)
        options.schedRules = rules
        var report = store.latency(options)
        report.notes += notes
        switch format {
        case .table:
            print(LatencyReportFormat.text(report, sections: chosen, histograms: histogram, limit: limit), terminator: "")
        case .csv: print(LatencyReportFormat.csv(report, sections: chosen), terminator: "")
        case .json: print(LatencyReportFormat.json(report, sections: chosen))
        }
    }
}

extension LatencyGrouping: ExpressibleByArgument {}
extension SchedDelayRules: ExpressibleByArgument {}
