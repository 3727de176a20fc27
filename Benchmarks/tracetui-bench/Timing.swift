import Glibc

/// Wall-clock timing with the best of several runs kept: the machine is shared and noisy, and the
/// fastest run is the one least disturbed by others.
struct Timed<Value> {
    var seconds: Double
    /// Process CPU time (user + system, all threads) during the run.
    var cpuSeconds: Double
    /// CPU time the whole machine spent busy during the run (all processes).
    var machineBusySeconds: Double
    var value: Value

    /// Cores kept busy on average: shows whether the parallel paths really ran in parallel.
    var cores: Double { seconds > 0 ? cpuSeconds / seconds : 0 }
    /// Cores other processes kept busy meanwhile: the machine is shared, and this says how much.
    var otherCores: Double { seconds > 0 ? max(0, machineBusySeconds - cpuSeconds) / seconds : 0 }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

/// User + system CPU time of the whole process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Busy CPU time of the whole machine so far (the `cpu` line of /proc/stat, minus idle and iowait).
func machineBusySeconds() -> Double {
    guard let f = fopen("/proc/stat", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 512)
    guard fgets(&line, Int32(line.count), f) != nil else { return 0 }
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let ticks = text.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard ticks.count >= 5 else { return 0 }
    let busy = ticks.reduce(0, +) - ticks[3] - ticks[4]  // idle, iowait
    return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Measures one run of `body`: wall time, this process's CPU time and the machine's.
func timed<Value>(_ body: () async throws(BenchError) -> Value) async throws(BenchError) -> Timed<Value> {
    let clock = ContinuousClock()
    let cpu = processCPUSeconds()
    let machine = machineBusySeconds()
    let start = clock.now
    let value = try await body()
    let elapsed = (clock.now - start).seconds
    return Timed(seconds: elapsed, cpuSeconds: processCPUSeconds() - cpu,
                 machineBusySeconds: machineBusySeconds() - machine, value: value)
}

/// Runs `body` `runs` times and returns the fastest run with its result.
func bestOf<Value>(_ runs: Int, _ body: () async throws(BenchError) -> Value) async throws(BenchError) -> Timed<Value> {
    var best: Timed<Value>?
    for _ in 0..<max(1, runs) {
        let run = try await timed(body)
        if best == nil || run.seconds < best!.seconds { best = run }
    }
    return best!
}
