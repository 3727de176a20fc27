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
            // Not populated up front: the parse threads fault the pages in beside each other (measured 0.05 s
            // faster on the 808 MiB benchmark trace than one MAP_POPULATE pass before them).
            store = try await input.open(file, populate: false).load()
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
        let start = store.summary.firstTimestamp ?? 0, end = store.summary.lastTimestamp ?? start
        let window = TimelineFormat.Window(from: try time(from, start), to: try time(to, end), width: width,
                                           pids: tasks.isEmpty ? (format == .json ? nil : []) : tasks)
        guard window.to > window.from else { throw ValidationFailure("--to must be after --from") }
        switch format {
        case .text: printSafe(TimelineFormat.text(store.timeline(tasks: selection), window, clock: clock), terminator: "")
        case .svg: print(TimelineFormat.svg(store.timeline(tasks: selection), window), terminator: "")
        case .json: await Self.json(store, selection, window)
        }
    }

    /// fd 1, whole: the JSON of a big trace is hundreds of MB.
    static func writeOut(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = write(1, base + done, bytes.count - done)
            if n <= 0 { if errno == EINTR { continue }; return }
            done += n
        }
    }

    /// The JSON on both cores: the CPU lanes alone are built and their runs written while the whole timeline
    /// (every task's lane) is built beside them; then the task lanes' intervals are formatted in two halves at
    /// once, the second into memory and written after the first. The bytes are `TimelineFormat.json`'s.
    static func json(_ store: EventStore, _ selection: TimelineTasks, _ window: TimelineFormat.Window) async {
        let whole = Task.detached { store.timeline(tasks: selection) }
        var sink = ByteSink { writeOut($0) }
        let lanes = await Task.detached { store.timeline(tasks: .none) }.value
        // The slots (and so the comms) are the same in both builds: both name tasks in the same row order.
        TimelineFormat.jsonCPUs(lanes, window, comms: TimelineFormat.jsonComms(lanes), to: &sink)
        let tl = await whole.value
        let comms = TimelineFormat.jsonComms(tl)
        // Split where half the intervals are behind.
        let counts = tl.taskLanes.map(\.count)
        var half = 0, behind = 0
        let total = counts.reduce(0, +)
        while half < counts.count, behind * 2 < total {
            behind += counts[half]
            half += 1
        }
        let second = Task.detached { () -> [UInt8] in
            var out: [UInt8] = []
            var memory = ByteSink { out.append(contentsOf: $0) }
            var first = false
            TimelineFormat.jsonTasks(tl, window, comms: comms, lanes: half..<tl.taskLanes.count, first: &first, to: &memory)
            memory.finish()
            return out
        }
        var first = true
        TimelineFormat.jsonTasks(tl, window, comms: comms, lanes: 0..<half, first: &first, to: &sink)
        sink.finish()
        let rest = await second.value
        // Its entries each begin with ",\n": the first one's comma goes when the first half wrote nothing.
        rest.withUnsafeBytes { writeOut(first && !$0.isEmpty ? UnsafeRawBufferPointer(rebasing: $0.dropFirst()) : $0) }
        TimelineFormat.jsonEnd(tl, window, to: &sink)
    }
}
