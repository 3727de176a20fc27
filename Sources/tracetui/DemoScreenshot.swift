import Foundation
import Screen
import TraceCapture
import TraceModel
import TraceTUI

/// `tracetui demo --screenshot FILE.svg`: the demo's first screen, drawn by the viewer's own code into a canvas
/// and written as SVG in the theme's colours (the README's picture; a test regenerates it).
enum DemoScreenshot {
    @MainActor
    static func write(trace: String, system: ProcHistory?, to path: String, size: String, theme: String) async throws {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (20...500).contains(parts[0]), (6...200).contains(parts[1]) else {
            throw ValidationFailure("--size wants COLSxROWS between 20x6 and 500x200, e.g. 120x40")
        }
        let canvas = try await firstScreen(paths: Replay.withSamples([trace]), system: system,
                                           width: parts[0], height: parts[1])
        let svg = CanvasSVG.render(canvas, theme: try ThemeLoader.load(theme))
        do {
            try svg.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// What the viewer shows once the files have loaded and the dashboard's jobs have run.
    @MainActor
    static func firstScreen(paths: [String], system: ProcHistory?, width: Int, height: Int) async throws -> Canvas {
        var inputs: [TraceInput] = []
        do {
            for p in paths { inputs.append(try TraceInput(path: p)) }
        } catch {
            throw ValidationFailure(error.description)
        }
        let session = CaptureSession(sourceName: Demo.fileName)
        var app = TraceApp(snapshot: session.snapshots.current)
        app.system = system
        await app.settle(app.perform(.toggleDashboard))
        await session.replay(inputs)
        await app.settle(app.handle(.snapshot(session.snapshots.current)))
        return app.draw(width: width, height: height)
    }
}
