import ArgumentParser
import Foundation
import Screen
import Terminal
import TraceCapture
import TraceModel
import TraceTUI

/// `tracetui replay FILE`: open a saved ftrace log in the full-screen viewer.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open saved traces in the full-screen viewer.",
        discussion: InputHelp.formats)

    @Argument(help: ArgumentHelp("Trace files (any format below); several are merged on one timeline when their clocks agree."))
    var files: [String]

    @Option(help: "/proc samples to show in the system panes (key 5); default: FILE.proc when it exists. FILE.perf (record's samples) is opened with FILE too.")
    var proc: String?

    @OptionGroup var display: DisplayOptions
    @OptionGroup var pins: TaskPins

    @MainActor
    func run() async throws {
        var system: ProcHistory?
        if let proc {
            guard let h = ProcSidecarFile.load(path: proc) else {
                throw ValidationFailure("\(proc): not a tracetui /proc sidecar (see `tracetui dstat --output`)")
            }
            system = h
        } else if let first = files.first {
            system = ProcSidecarFile.load(forTrace: first)
        }
        try await Viewer.run(paths: Self.withSamples(files), title: files.joined(separator: " + "), display: display,
                             system: system, pins: pins.tasks)
    }

    /// `record` with tracepoints and sampling writes the samples beside the events as FILE.perf: one trace
    /// given alone brings its samples along, as its FILE.proc does.
    static func withSamples(_ files: [String]) -> [String] {
        guard files.count == 1, let file = files.first, FileManager.default.fileExists(atPath: file + ".perf") else {
            return files
        }
        return files + [file + ".perf"]
    }
}

/// Options every full-screen command shares.
struct DisplayOptions: ParsableArguments {
    @Option(help: "Theme name (dark, light, mono, ansi16) or the path of a .theme file.")
    var theme: String = "dark"

    @Flag(help: "Do not capture the mouse (keeps the terminal's own text selection).")
    var noMouse = false
}

extension DisplayOptions {
    /// The full screen, or the one-line reason it cannot be had (no terminal, an unknown TERM).
    @MainActor
    func openScreen(_ theme: Theme) throws -> TerminalScreen {
        do {
            return try TerminalScreen.open(theme: theme, mouse: !noMouse)
        } catch {
            throw ValidationFailure("\(error)")
        }
    }
}

/// Runs the viewer on a file: the capture actor loads it, the main thread draws.
enum Viewer {
    @MainActor
    static func run(path: String, title: String, display: DisplayOptions, system: ProcHistory? = nil) async throws {
        try await run(paths: [path], title: title, display: display, system: system)
    }

    @MainActor
    static func run(paths: [String], title: String, display: DisplayOptions, system: ProcHistory? = nil,
                    pins: [Int32] = [], dashboard: Bool = false) async throws {
        guard !paths.isEmpty else { throw ValidationFailure("no trace file given") }
        // A recording from several hosts (`record --host … -o DIR`): its directory or its hosts.index.
        let hosts = paths.count == 1 ? HostIndex.load(paths[0]) : nil
        var inputs: [TraceInput] = []
        do {
            for path in hosts.map({ h in h.entries.map(h.path(of:)) }) ?? paths { inputs.append(try TraceInput(path: path)) }
        } catch {
            throw ValidationFailure(error.description)
        }
        let theme = try ThemeLoader.load(display.theme)
        let name = paths.count == 1 ? (title as NSString).lastPathComponent
            : paths.map { ($0 as NSString).lastPathComponent }.joined(separator: " + ")
        let session = CaptureSession(sourceName: name)
        let loading = Task.detached {
            if let hosts { await session.replay(hosts: hosts, inputs: inputs) } else { await session.replay(inputs) }
        }
        defer { loading.cancel() }

        let signals = StopSignals.install()
        CrashGuard.install()
        let screen = try display.openScreen(theme)
        defer { screen.close() }
        var app = TraceApp(snapshot: session.snapshots.current)
        app.system = system
        app.pinTasks(pins)
        if dashboard { _ = app.perform(.toggleDashboard) }
        app.disassembler = Annotate.viewerDisassembler
        app.leafResolver = { leaves, keys in SourceLineResolver.details(leaves, keys: keys) }
        let box = session.snapshots
        box.onPublish(screen.waker.callAsFunction)
        signals.wakes(screen.waker)
        let loop = RunLoop(app: app, terminal: screen,
                           sources: .init(snapshot: DebugHooks.crashing(box.current), shouldStop: { signals.isRaised }),
                           host: ViewerHost())
        loop.run()
    }
}

/// A one-line error for the user: printed without a usage block, exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
