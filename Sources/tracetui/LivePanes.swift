import Foundation
import Screen
import Terminal
import TraceCapture
import TraceModel
import TraceTUI

/// `tracetui dstat --ui`: the system panes, live, full screen (the newest sample; `v` for dstat's table).
enum LivePanes {
    @MainActor
    static func run(sampler: ProcSampler, writer: ProcSidecarWriter?, display: DisplayOptions) throws {
        let theme = try ThemeLoader.load(display.theme)
        let inbox = ProcHistoryBox()
        nonisolated(unsafe) let sidecar = writer  // written only from the sampler's task
        sampler.start { sample in
            sidecar?.append(sample)
            inbox.append(sample)
        }
        defer { sampler.stop() }
        let signals = StopSignals.install()
        CrashGuard.install()
        let screen = try display.openScreen(theme)
        defer { screen.close() }
        var app = TraceApp(snapshot: TraceSnapshot(source: "live /proc",
                                                   progress: LoadProgress(finished: true)))
        _ = app.perform(.showSystemPanes)
        var drawn = -1
        var dirty = true
        while !signals.isRaised {
            let (history, generation) = inbox.current
            if generation != drawn || dirty {
                app.system = history
                var canvas = Canvas(width: screen.width, height: screen.height)
                app.render(into: &canvas)
                screen.present(canvas)
                drawn = generation
                dirty = false
            }
            guard let key = screen.readKey(timeoutMilliseconds: 100) else { continue }
            if app.handle(key) == .quit { break }
            dirty = true
        }
    }
}
