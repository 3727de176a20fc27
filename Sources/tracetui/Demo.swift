import ArgumentParser
import Foundation
import TraceCapture

/// `tracetui demo`: the viewer on a real recording bundled with the program, no root needed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a bundled real recording on the dashboard: events, samples and /proc of a 2-CPU machine.",
        discussion: """
            The recording is `sudo tracetui record -F 499` with scheduler, irq, syscall and block events, taken \
            while a Swift build ran: the stream, the system panes (its /proc samples) and the hotspots (its CPU \
            samples) all have something to show. No root is needed to open it.
            """)

    /// The recording's name; its samples and /proc sidecar sit beside it as NAME.perf and NAME.proc.
    static let fileName = "demo-trace.txt.zst"

    @OptionGroup var display: DisplayOptions

    @Option(help: ArgumentHelp("Write the first screen as an SVG picture to FILE instead of opening the viewer.",
                               valueName: "FILE"))
    var screenshot: String?

    @Option(help: ArgumentHelp("The screenshot's size in columns and rows.", valueName: "COLSxROWS"))
    var size = "120x40"

    @MainActor
    func run() async throws {
        guard let path = InstalledFiles.demoTrace() else {
            throw ValidationFailure("the bundled demo recording is missing (looked in \(InstalledFiles.shareDirectory.path)/demo)")
        }
        let system = ProcSidecarFile.load(forTrace: path)
        if let screenshot {
            try await DemoScreenshot.write(trace: path, system: system, to: screenshot, size: size, theme: display.theme)
            return
        }
        try await Viewer.run(paths: Replay.withSamples([path]), title: Self.fileName, display: display, system: system,
                             dashboard: true)
    }
}
