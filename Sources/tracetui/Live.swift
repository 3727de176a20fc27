import ArgumentParser
import Foundation
import Screen
import Terminal
import TraceCapture
import TraceModel
import TraceTUI

/// `sudo tracetui` (no subcommand): trace the machine live in an instance of our own, in the viewer.
struct Live: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace live (root): scheduler and irq events by default, in the viewer; nothing is left behind.")

    @OptionGroup var capture: CaptureFlags

    @Option(help: "Keep at most this many events in memory (older ones are evicted).")
    var keep = 8_000_000

    @Option(help: "Keep at most this much memory of events, in MB (older ones are evicted).")
    var memoryMb = 1024

    @Option(help: "When the viewer quits, save the captured events to this ftrace text file (and the /proc samples to FILE.proc).")
    var output: String?

    @Option(help: "Seconds between /proc samples for the system panes (at least 0.1).")
    var procInterval = 1.0

    @Option(help: "Frames a second at most while events arrive (keys always redraw at once).")
    var fps = 5

    @Flag(help: "Remove instances and probes left by killed runs, then exit.")
    var cleanup = false

    @OptionGroup var display: DisplayOptions
    @OptionGroup var pins: TaskPins
    @OptionGroup var hosts: HostFlags
    @OptionGroup var bpf: BpfFlags

    @MainActor
    func run() async throws {
        if cleanup {
            try Cleanup.removeLeftovers()
            return
        }
        try capture.validateSampling()
        let sampling = capture.sampling
        // With --host the events come from the hosts' captures over ssh (HostFlags); none are traced here.
        let remote = hosts.isEmpty ? nil : try hosts.captures(capture)
        let tracing = capture.wantsTracepoints && remote == nil
        let root = tracing ? try LiveSetup.tracefsRoot() : ""
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw ValidationFailure("live mode needs a terminal; use `tracetui record -o FILE` to capture without one")
        }
        let theme = try ThemeLoader.load(display.theme)
        // Stop signals first: they must be in place before the instance exists.
        let signals = StopSignals.install()
        CrashGuard.install()
        CrashGuard.addCleanup(ActiveInstances.emergencyCleanup)
        let bpfSession = try bpf.start()
        defer { bpfSession.stop() }
        let sampleText = try sampling.map(LiveSetup.startSampling)
        let instance = tracing ? try LiveSetup.start(root: root, options: capture.options) : nil
        defer { instance?.destroy() }
        let session = CaptureSession(sourceName: remote.map { _ in "live " + hosts.host.joined(separator: ", ") }
                                     ?? instance.map { "live " + $0.name } ?? "live sampling")
        let keep = self.keep, maxBytes = memoryMb << 20
        let pretty = capture.pretty, text = capture.text
        let printk = bpf.readsPrintk ? root : nil
        let printkNames = bpfSession.object.map { PrintkNamer($0.printkFormats) }
        let frame = Duration.milliseconds(1000 / max(1, min(fps, 100)))
        // Samples beside tracepoints go into the store in time order: on one clock (mono, CLOCK_MONOTONIC) only.
        let merge = instance != nil && sampleText != nil && capture.options.clock == "mono" ? LiveSampleMerge() : nil
        // The reader keeps the latency view's typed values once the view first opens (ViewerHost turns it on).
        let latencyCapture = LatencyCaptureSwitch()
        let capturing = Task.detached {
            await withTaskGroup(of: Void.self) { group in
                if let instance {
                    group.addTask { await session.live(instance, keep: keep, maxBytes: maxBytes, pretty: pretty, text: text,
                                                   printk: printk, printkNames: printkNames, publishEvery: frame,
                                                   merge: merge, typedCapture: latencyCapture) }
                }
                if let remote {
                    group.addTask { await session.live(hosts: remote, keep: keep, maxBytes: maxBytes, publishEvery: frame) }
                }
                if let sampleText {
                    group.addTask { await session.sample(sampleText, keep: keep, maxBytes: maxBytes, standalone: instance == nil,
                                                     merge: merge) }
                }
            }
        }
        // How busy the machine is, beside the events: the system panes (key 5), saved next to the trace.
        let procHistory = ProcHistoryBox()
        // perf counters per CPU ride along with each sample (the counters table in the panes).
        let sampler = ProcSampler(interval: .milliseconds(Int64(max(100, (procInterval * 1000).rounded()))),
                                  counters: true, bpf: true, bpfValues: bpfSession.object?.mapIDs ?? [])
        sampler.start { procHistory.append($0) }
        defer { sampler.stop() }
        // Frames drawn, said on exit with the rate: the benchmark checks the UI kept drawing under load.
        var frames = 0
        var latencySummary: String?
        var savedAtQuit: String?
        let started = ContinuousClock.now
        do {
            let screen: TerminalScreen
            do {
                screen = try display.openScreen(theme)
            } catch {
                capturing.cancel()
                await capturing.value
                throw error
            }
            defer { screen.close() }
            var app = TraceApp(snapshot: session.snapshots.current)
            app.disassembler = Annotate.viewerDisassembler
            app.leafResolver = { leaves, keys in SourceLineResolver.details(leaves, keys: keys) }
            // Sampling alone opens on the hotspot table, as perf top does.
            if instance == nil, remote == nil { app.openHotspotsWhenLive() }
            app.pinTasks(pins.tasks)
            if let refusal = bpfSession.refusal { app.showBpfRefusal(refusal) }
            let box = session.snapshots
            box.onPublish(screen.waker.callAsFunction)
            procHistory.onAppend(screen.waker.callAsFunction)
            signals.wakes(screen.waker)
            let host = ViewerHost(proc: procHistory) { name, on in
                guard let instance else { return }
                Task { await session.setEvent(name, enabled: on, in: instance) }
            }
            host.latencyCapture = latencyCapture
            let loop = RunLoop(app: app, terminal: screen,
                               sources: .init(snapshot: DebugHooks.crashing(box.current),
                                              system: { procHistory.current }, shouldStop: { signals.isRaised }),
                               host: host)
            loop.dataFrameInterval = frame
            loop.run()
            // A `w` just before `q` still writes its whole file; what the last save wrote is said again below the
            // shell prompt.
            await loop.finish("save")
            savedAtQuit = loop.app.lastSaved
            frames = loop.frames
            latencySummary = loop.app.latencyRefreshSummary
        }
        capturing.cancel()
        await capturing.value
        instance?.destroy()
        let final = session.snapshots.current
        let store = final.store
        if let savedAtQuit { FileHandle.standardError.write(Data("tracetui: \(savedAtQuit)\n".utf8)) }
        if let latencySummary { FileHandle.standardError.write(Data("tracetui: \(latencySummary)\n".utf8)) }
        if let remote { HostReport.say(remote, statuses: final.live?.hosts ?? []) }
        if let s = final.sampling {
            FileHandle.standardError.write(Data("tracetui: \(s.samples) samples, \(s.lost) lost records\n".utf8))
        }
        if instance != nil || remote != nil, let live = final.live {
            // One line after the screen is gone: what was read and lost (the benchmark reads it too).
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            FileHandle.standardError.write(Data(("tracetui: \(live.events) events read, \(live.lost) lost, "
                + "\(store.evictedRows) evicted, \(store.count) kept, \(frames) frames in "
                + String(format: "%.1f", seconds) + " s\n").utf8))
        }
        sampler.stop()
        if let output {
            do {
                let said = try TraceWriter.save(store, to: output)
                try ProcSidecarFile.save(procHistory.current.history, forTrace: output)
                print(said)
            } catch {
                throw ValidationFailure(error.description)
            }
        }
        if let refusal = bpfSession.refusal {
            // Said again below the prompt, and in the exit status, for scripts.
            FileHandle.standardError.write(Data("tracetui: --bpf: \(refusal)\n".utf8))
            if signals.signalName == nil { throw ExitCode(1) }
        }
        if let name = signals.signalName, let number = signals.signalNumber {
            print("tracetui: stopped by \(name)" + (instance.map { "; \($0.name) removed" } ?? ""))
            // As shells expect of a program a signal ended: 130 after SIGINT, 143 after SIGTERM, 129 after SIGHUP.
            throw ExitCode(128 + number)
        }
    }
}
