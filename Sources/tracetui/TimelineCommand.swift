import ArgumentParser
import Foundation
import TraceCapture
import TraceModel

/// `tracetui timeline FILE`: what ran on each CPU and what the chosen tasks were doing, as text (the screen's
/// lanes), JSON intervals or an SVG picture, with no UI.
struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Print the per-CPU and per-task timeline of a trace's sched_switch events (no UI).",
        discussion: """
            text: the lanes as the viewer draws them (one row per CPU, one per --task), to paste into a bug report.

            json: {"cpus": [{"cpu", "start_ns", "end_ns", "pid", "comm"}], "tasks": [{"pid", "comm", "state", \
            "cpu", "start_ns", "end_ns"}], "lost": [{"time_ns", "cpu"}], "notes": […]}: one cpus entry per run \
            between two switches on a CPU (idle has pid 0); tasks' state is running (cpu set), runnable, sleeping, \
            blocked, stopped, dead or other; times in ns of the trace clock, clipped to --from/--to.

            svg: the text picture as a vector image.

            \(InputHelp.formats)
            """)

    @Argument(help: "A trace file (ftrace text, trace.dat, trace-cmd report, perf script text, perf.data, …).")
    var file: String

    @Option(help: "Start of the window (seconds as the trace prints them, e.g. 1720.5; default: the trace's start).")
    var from: String?

    @Option(help: "End of the window (default: the trace's end).")
    var to: String?

    @Option(help: "Columns of the text and svg pictures.")
    var width = 160

    @Option(name: .customLong("task"), parsing: .upToNextOption, help: "Pids whose state lanes to show (json: only these tasks; default all).")
    var tasks: [Int32] = []

    @Option(help: "text, json or svg")
    var format: OutputFormat = .text

    @OptionGroup var input: InputFlags

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, svg }

    func validate() throws {
        if width < 20 { throw ValidationError("--width must be at least 20") }
    }

    func run() async throws {
        let store: EventStore
        do {
            store = try await input.open(file, populate: true).load()
        } catch {
            throw ValidationFailure(error.description)
        }
        let clock = store.summary.clock
        func time(_ text: String?, _ fallback: Int64) throws -> Int64 {
            guard let text else { return fallback }
            guard let t = TimeFormat.parseTimestamp(text, clock: clock) else {
                throw ValidationFailure("not a time: '\(text)'")
            }
            return t
        }
        let selection: TimelineTasks = format == .json && tasks.isEmpty ? .all : .pids(Set(tasks))
        let tl = store.timeline(tasks: selection)
        let window = TimelineFormat.Window(from: try time(from, tl.start), to: try time(to, tl.end), width: width,
                                           pids: tasks.isEmpty ? (format == .json ? nil : []) : tasks)
        guard window.to > window.from else { throw ValidationFailure("--to must be after --from") }
        switch format {
        case .text: printSafe(TimelineFormat.text(tl, window, clock: clock), terminator: "")
        case .svg: print(TimelineFormat.svg(tl, window), terminator: "")
        case .json:
            var sink = ByteSink { bytes in
                // Straight to fd 1: the JSON of a big trace is hundreds of MB.
                var done = 0
                while done < bytes.count, let base = bytes.baseAddress {
                    let n = write(1, base + done, bytes.count - done)
                    if n <= 0 { if errno == EINTR { continue }; return }
                    done += n
                }
            }
            TimelineFormat.json(tl, window, to: &sink)
        }
    }
}
