import Foundation
import TraceCapture
import TraceModel

/// What sampling /proc costs: one `ProcReader.read()` in process, then `tracetui dstat`, `dstat` and `htop`
/// side by side for the same wall time, each charged its own utime+stime (from `/proc/PID/stat`, which keeps
/// the time of threads that ended) and its on-CPU time (`/proc/PID/task/*/schedstat`, in ns).
enum ProcCostBench {
    static func run(seconds: Int, interval: Double) async throws(BenchError) {
        print("/proc sampling cost (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
        inProcess()
        fflush(nil)
        try await sideBySide(seconds: seconds, interval: interval)
    }

    /// The reader alone: CPU time per sample, and what that is at one sample a second.
    static func inProcess() {
        let reader = ProcReader()
        var history = ProcHistory(limit: 2)
        let n = 2000
        for _ in 0..<50 { history.append(reader.read()) }
        let cpu0 = threadCPU()
        var bytes = 0
        for _ in 0..<n {
            let s = reader.read()
            history.append(s)
            bytes += ProcSidecar.encode(s).utf8.count
        }
        let perSample = (threadCPU() - cpu0) / Double(n)
        print(String(format: "  read+parse+rates+sidecar line, in process: %.1f µs CPU per sample (%d files, %.0f B/sample in the sidecar)",
                     perSample * 1e6, reader.files.count, Double(bytes) / Double(n)))
        print(String(format: "    = %.4f %% of one core at 1 sample/s, %.3f %% at 10/s", perSample * 100, perSample * 1000))
    }

    static func sideBySide(seconds: Int, interval: Double) async throws(BenchError) {
        let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let tracetui = binDir.appendingPathComponent("tracetui").path
        guard FileManager.default.isExecutableFile(atPath: tracetui) else {
            throw BenchError("\(tracetui) not found: swift build -c release --product tracetui")
        }
        let sidecar = NSTemporaryDirectory() + "tracetui-bench-\(getpid()).proc"
        defer { try? FileManager.default.removeItem(atPath: sidecar) }
        let i = interval == interval.rounded() ? String(Int(interval)) : String(interval)
        var tools: [(String, pid_t)] = []
        var cleanups: [() -> Void] = []
        defer { for c in cleanups { c() } }
        if let p = spawn(tracetui, ["dstat", "--interval", i, "--output", sidecar]) {
            tools.append(("tracetui dstat --interval \(i) --output F", p))
            cleanups.append { kill(p, SIGKILL); var st: Int32 = 0; waitpid(p, &st, 0) }
        }
        if let dstat = which("dstat"), let p = spawn(dstat, ["--nocolor", "--noupdate", String(max(1, Int(interval)))]) {
            tools.append(("dstat --nocolor --noupdate \(max(1, Int(interval)))", p))
            cleanups.append { kill(p, SIGKILL); var st: Int32 = 0; waitpid(p, &st, 0) }
        } else {
            print("  dstat not installed (apt-get install dstat): left out")
        }
        let session = "tracetui-bench-htop-\(getpid())"
        if which("htop") != nil, which("tmux") != nil,
           system("tmux new-session -d -s \(session) -x 160 -y 50 'htop -d \(max(1, Int(interval * 10)))'") == 0,
           let text = output("tmux list-panes -t \(session) -F '#{pane_pid}'"), let p = pid_t(text) {
            tools.append(("htop -d \(max(1, Int(interval * 10))) (in tmux 160x50)", p))
            cleanups.append { _ = system("tmux kill-session -t \(session)") }
        } else {
            print("  htop or tmux not installed: htop left out")
        }
        // Start-up (dynamic loading, Python's imports) is not sampling: measure after a warm-up.
        try? await Task.sleep(for: .seconds(3))
        let before = tools.map { cpuTimes($0.1) }
        let start = Date()
        try? await Task.sleep(for: .seconds(seconds))
        let wall = Date().timeIntervalSince(start)
        let after = tools.map { cpuTimes($0.1) }
        print(String(format: "  side by side for %.1f s, one sample every %@ s:", wall, i))
        print("    tool                                          utime+stime   % of a core   on-CPU (schedstat)")
        for (k, tool) in tools.enumerated() {
            let ticks = after[k].ticks - before[k].ticks
            let ns = after[k].ns - before[k].ns
            let seconds = Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
            let name = tool.0.padding(toLength: 45, withPad: " ", startingAt: 0)
            print("    " + name + String(format: " %6.2f s     %7.3f %%     %7.3f %% (%.0f ms)",
                         seconds, seconds / wall * 100, Double(ns) / 1e9 / wall * 100, Double(ns) / 1e6))
        }
    }

    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// utime+stime in clock ticks, and the sum of the live threads' on-CPU ns.
    static func cpuTimes(_ pid: pid_t) -> (ticks: Int, ns: Int) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return (0, 0) }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After "pid (comm)": state is field 3, utime 14, stime 15.
        let ticks = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
        var ns = 0
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for t in tasks {
            if let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/schedstat", encoding: .utf8) {
                ns += Int(s.split(separator: " ").first ?? "0") ?? 0
            }
        }
        return (ticks, ns)
    }

    static func spawn(_ path: String, _ args: [String]) -> pid_t? {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        return posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 ? pid : nil
    }

    static func which(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    static func output(_ command: String) -> String? {
        guard let f = popen(command, "r") else { return nil }
        defer { pclose(f) }
        var buf = [CChar](repeating: 0, count: 256)
        guard fgets(&buf, 256, f) != nil else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
