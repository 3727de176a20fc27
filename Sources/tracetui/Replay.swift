import ArgumentParser
import Foundation
import Screen
import Terminal
import TraceCapture
import TraceModel
import TraceTUI

/// `tracetui replay FILE`: open a saved ftrace log in the full-screen viewer.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open a saved ftrace text log in the viewer.")

    @Argument(help: "An ftrace text log: the `trace` file, `trace_pipe` output, or trace-cmd report text.")
    var file: String

    @Option(help: "/proc samples to show in the system panes (key 5); default: FILE.proc when it exists.")
    var proc: String?

    @OptionGroup var display: DisplayOptions

    @MainActor
    func run() async throws {
        var system: ProcHistory?
        if let proc {
            guard let h = ProcSidecarFile.load(path: proc) else {
                throw ValidationFailure("\(proc): not a tracetui /proc sidecar (see `tracetui dstat --output`)")
            }
            system = h
        } else {
            system = ProcSidecarFile.load(forTrace: file)
        }
        try await Viewer.run(path: file, title: file, display: display, system: system)
    }
}

/// Options every full-screen command shares.
struct DisplayOptions: ParsableArguments {
    @Option(help: "Theme name (dark, light, mono, ansi16) or the path of a .theme file.")
    var theme: String = "dark"

    @Flag(help: "Do not capture the mouse (keeps the terminal's own text selection).")
    var noMouse = false
}

/// Runs the viewer on a file: the capture actor loads it, the main thread draws.
enum Viewer {
    @MainActor
    static func run(path: String, title: String, display: DisplayOptions, system: ProcHistory? = nil) async throws {
        let storage: MappedFile
        do {
            storage = try MappedFile(path: path)
        } catch {
            throw ValidationFailure(error.description)
        }
        let theme = try ThemeLoader.load(display.theme)
        let session = CaptureSession(sourceName: (title as NSString).lastPathComponent)
        let loading = Task.detached { await session.replay(storage) }
        defer { loading.cancel() }

        let signals = StopSignals.install()
        CrashGuard.install()
        let screen: TerminalScreen
        do {
            screen = try TerminalScreen.open(theme: theme, mouse: !display.noMouse)
        } catch {
            throw ValidationFailure("\(error)")
        }
        defer { screen.close() }
        var app = TraceApp(snapshot: session.snapshots.current)
        app.system = system
        #if DEBUG
        // Lets the end-to-end tests check that a real crash leaves the terminal usable.
        let crashForTest = ProcessInfo.processInfo.environment["TRACETUI_TEST_CRASH"] != nil
        #endif
        while !signals.isRaised {
            #if DEBUG
            if crashForTest, app.store.count > 0 { _ = [Int]()[1] }
            #endif
            app.update(session.snapshots.current)
            var canvas = Canvas(width: screen.width, height: screen.height)
            app.render(into: &canvas)
            screen.present(canvas)
            guard let key = screen.readKey(timeoutMilliseconds: 33) else { continue }
            if app.handle(key) == .quit { break }
            // Drain keys already typed before drawing again (holding a key must not lag).
            var quit = false
            while let more = screen.readKey(timeoutMilliseconds: 0) {
                if app.handle(more) == .quit {
                    quit = true
                    break
                }
            }
            if quit { break }
        }
    }
}

/// A one-line error for the user: printed without a usage block, exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
