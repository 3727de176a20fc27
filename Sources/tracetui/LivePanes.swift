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
        var app = TraceApp(snapshot: TraceSnapshot(source: "live /proc", progress: LoadProgress(finished: true)))
        _ = app.perform(.showSystemPanes)
        inbox.onAppend(screen.waker.callAsFunction)
        signals.wakes(screen.waker)
        RunLoop(app: app, terminal: screen,
                sources: .init(system: { inbox.current }, shouldStop: { signals.isRaised })).run()
    }
}
