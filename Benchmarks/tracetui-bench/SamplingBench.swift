import Foundation
import TraceCapture
import TraceModel

/// What live sampling costs (`--sampling S`): with two `tracetui-spin` loads keeping both cores busy, 999 Hz
/// cpu-clock samples of every CPU with callchains, symbolized — tracetui's `record` (to perf script text) and
/// its live path in process (drain, order, symbolize, parse into the store), then `perf record -F 999 -a -g`
/// and `perf report --stdio` on the same load beside `tracetui report`; and 1 M synthetic samples aggregated
/// into the hotspot table as the live view rebuilds it.
enum SamplingBench {
    static func run(seconds: Int) async throws(BenchError) {
        if seconds == 0 {
            aggregate(count: 1_000_000)
            return
        }
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let tracetui = binDir.appendingPathComponent("tracetui").path
        var spin = binDir.appendingPathComponent("tracetui-spin").path
        if !FileManager.default.isExecutableFile(atPath: spin) {
            spin = BenchPaths.packageRoot + "/.build/debug/tracetui-spin"
        }
        guard FileManager.default.isExecutableFile(atPath: tracetui), FileManager.default.isExecutableFile(atPath: spin) else {
            throw BenchError("needs \(tracetui) and tracetui-spin: swift build -c release --product tracetui --product tracetui-spin")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("sampling cost (\(cores) cores, load average \(loadAverage()), cpu-clock at 999 Hz on every CPU, callchains, symbolized)")
        fflush(nil)
        let dir = NSTemporaryDirectory() + "tracetui-bench-sampling-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // The load: one spinning process per core for every part of the run.
        let total = 4 * seconds + 20
        let loads = (0..<cores).compactMap { _ in ProcCostBench.spawn(spin, ["spin", String(total)]) }
        defer {
            for p in loads {
                kill(p, SIGKILL)
                var st: Int32 = 0
                waitpid(p, &st, 0)
            }
        }
        try? await Task.sleep(for: .milliseconds(500))

        // 1. tracetui record: the sampler, symbolization and perf script text, as a process of its own.
        let ours = dir + "/tracetui.txt"
        let record = run(tracetui, ["record", "-o", ours, "-F", "999", "--duration", String(seconds)])
        let samples = countSamples(ours)
        print(String(format: "  tracetui record -F 999 --duration %d: %d samples, %.3f s CPU in %.1f s = %.2f %% of one core, %.1f µs per sample (start-up incl. kallsyms)",
                     seconds, samples, record.cpu, record.wall, record.cpu / record.wall * 100,
                     record.cpu / Double(max(1, samples)) * 1e6))
        fflush(nil)

        // 2. The live path in this process: what the capture actor does per drain.
        await livePath(seconds: seconds)

        // 3. The peer on the same load.
        if let perf = ProcCostBench.which("perf") {
            let data = dir + "/perf.data"
            let rec = run(perf, ["record", "-q", "-F", "999", "-a", "-g", "-o", data, "--", "sleep", String(seconds)])
            let rep = run(perf, ["report", "--stdio", "-i", data, "--sort", "comm,dso,symbol"], stdout: dir + "/perf-report.txt")
            let perfSamples = reportSamples(dir + "/perf-report.txt")
            print(String(format: "  perf record -F 999 -a -g -- sleep %d: %@ samples, %.3f s CPU in %.1f s = %.2f %% of one core, %.1f µs per sample",
                         seconds, perfSamples.map(String.init) ?? "?", rec.cpu, rec.wall, rec.cpu / rec.wall * 100,
                         rec.cpu / Double(max(1, perfSamples ?? 1)) * 1e6))
            print(String(format: "  perf report --stdio --sort comm,dso,symbol: %.2f s wall, %.2f s CPU", rep.wall, rep.cpu))
        } else {
            print("  perf not installed (apt-get install linux-perf): the peer is left out")
        }
        let ourReport = run(tracetui, ["report", ours, "--sort", "comm,dso,symbol"], stdout: dir + "/tracetui-report.txt")
        print(String(format: "  tracetui report --sort comm,dso,symbol (the recorded text): %.2f s wall, %.2f s CPU", ourReport.wall, ourReport.cpu))
        fflush(nil)

        aggregate(count: 1_000_000)
    }

    /// Drain every 50 ms (as the capture actor does) for `seconds`, symbolize, parse into a store: this thread's CPU over the run.
    static func livePath(seconds: Int) async {
        var options = SamplingOptions()
        options.frequency = 999
        let text: SampleText
        do {
            text = SampleText(sampler: try PerfSampler(options))
        } catch {
            print("  live path: \(error)")
            return
        }
        let startCPU = ProcCostBench.threadCPU()
        _ = Kallsyms().count  // what the symbolizer read at start-up, read again to time it
        let setup = ProcCostBench.threadCPU() - startCPU
        text.sampler.enable()
        let parser = PerfScriptParser(keepRows: true)
        var store = EventStore()
        // The first second reads the symbol tables of every binary seen (once each); the rest is steady.
        var cpu = 0.0, warmCPU = 0.0
        var warmSamples = 0
        var warmWall = 0.0
        let start = Date()
        while Date().timeIntervalSince(start) < Double(seconds) {
            let t0 = ProcCostBench.threadCPU()
            let bytes = text.drain()
            if !bytes.isEmpty { store.append(parser.parse(SampleTextBlock(bytes), range: 0..<bytes.count)) }
            cpu += ProcCostBench.threadCPU() - t0
            if warmWall == 0, Date().timeIntervalSince(start) >= 1 {
                warmWall = Date().timeIntervalSince(start)
                warmCPU = cpu
                warmSamples = text.samplesWritten
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let wall = Date().timeIntervalSince(start)
        text.sampler.close()
        let n = text.samplesWritten
        print(String(format: "  live path in process (drain every 50 ms, order, symbolize, parse into the store): %d samples, %.3f s CPU in %.1f s = %.2f %% of one core, %.1f µs per sample; lost %d; kallsyms read at start in %.0f ms",
                     n, cpu, wall, cpu / wall * 100, cpu / Double(max(1, n)) * 1e6, text.sampler.lost, setup * 1000))
        let steadyCPU = cpu - warmCPU, steadyWall = wall - warmWall
        print(String(format: "    first second (symbol tables of each binary read once): %.3f s CPU; after it: %.2f %% of one core (bar < 2 %%) %@, %.1f µs per sample",
                     warmCPU, steadyCPU / steadyWall * 100, steadyCPU / steadyWall * 100 < 2 ? "PASS" : "MISS",
                     steadyCPU / Double(max(1, n - warmSamples)) * 1e6))
        print("    \(store.count) rows in the store, \(text.symbolizer.tablesRead) ELF symbol tables read")
        fflush(nil)
    }

    /// 1 M samples of perf script text (8 frames each on average, 100 000 functions) parsed into a store,
    /// then the table built from the store as the live view rebuilds it.
    static func aggregate(count: Int) {
        let s = HotspotBench.samples(count: count)
        var text: [UInt8] = []
        text.reserveCapacity(count * 400)
        for i in 0..<s.count {
            let frames = s.frames(of: i).map { loc in
                PerfScriptWriter.Frame(address: 0x7f00_0000_0000 + UInt64(loc) * 64, symbol: s.functionName(ofLocation: loc),
                                       offset: 0x10, dso: s.dsoName(ofLocation: loc))
            }
            let task = Int(s.sampleTask[i])
            PerfScriptWriter.appendSample(to: &text, comm: s.commNames[Int(s.taskComm[task])], pid: s.taskPID[task],
                                          tid: s.taskPID[task], cpu: UInt32(s.sampleCPU[i]),
                                          timeNanoseconds: 1_000_000_000 + UInt64(i) * 1000, period: 1_001_001,
                                          event: "cpu-clock", frames: frames)
        }
        let block = SampleTextBlock(text)
        let parseStart = ContinuousClock.now
        let store = EventStore(parsing: block)
        let parse = (ContinuousClock.now - parseStart).seconds
        text = []
        var best = Double.infinity, bestCPU = Double.infinity
        var entries = 0
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let cpu = processCPUSeconds()
            let table = HotspotSource(store: store).table()
            best = min(best, (ContinuousClock.now - started).seconds)
            bestCPU = min(bestCPU, processCPUSeconds() - cpu)
            entries = table.entryCount
        }
        print(String(format: "  1 M samples aggregated (the live refresh: store → samples → comm,dso,symbol table with children, %d entries): %.2f s (%.2f s CPU)   (bar < 1 s) %@; parsing their %d MB of text into the store: %.2f s",
                     entries, best, bestCPU, best < 1 ? "PASS" : "MISS", store.retainedBytes >> 20, parse))
    }

    struct Usage {
        var cpu: Double
        var wall: Double
    }

    /// Runs a command to its end; its user+system CPU (children included) and wall time.
    static func run(_ path: String, _ args: [String], stdout: String = "/dev/null") -> Usage {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // Started from a concurrency thread, whose signals are blocked: the child gets an empty mask (perf
        // record waits for SIGCHLD from its workload).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        let start = Date()
        guard posix_spawn(&pid, path, &actions, &attr, argv, environ) == 0 else { return Usage(cpu: 0, wall: 0) }
        var status: Int32 = 0
        var ru = rusage()
        _ = wait4(pid, &status, 0, &ru)
        let cpu = Double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + Double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6
        return Usage(cpu: cpu, wall: Date().timeIntervalSince(start))
    }

    static func countSamples(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.withUnsafeBytes { b in
            var n = 0
            var atLineStart = true
            for c in b {
                if atLineStart, c != 0x09, c != 0x0A { n += 1 }
                atLineStart = c == 0x0A
            }
            return n
        }
    }

    /// `# Samples: 12K of event 'cpu-clock:pppH'` → 12000 (perf rounds it), or the exact `Event count` / period.
    static func reportSamples(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("# Samples: ") {
            let word = line.dropFirst(11).prefix { $0 != " " }
            if word.hasSuffix("K"), let v = Double(word.dropLast()) { return Int(v * 1000) }
            if word.hasSuffix("M"), let v = Double(word.dropLast()) { return Int(v * 1_000_000) }
            return Int(word)
        }
        return nil
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
}
