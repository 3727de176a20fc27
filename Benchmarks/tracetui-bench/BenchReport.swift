import Foundation

/// Prints the figures as a table, the bars with PASS/MISS, and one closing summary line.
struct BenchReport {
    let r: BenchResults
    let cores: Int
    let runs: Int

    static let mb = 1_048_576.0
    /// The bars the parser is held to.
    static let statBar = 1000.0          // MB/s
    static let bytesPerEventBar = 32.0   // column bytes per stored row
    static let firstScreenBar = 0.3      // seconds, on a 1 GB file

    var fileMB: Double { Double(r.bytes) / Self.mb }
    func rate(_ seconds: Double) -> Double { seconds > 0 ? fileMB / seconds : 0 }
    var statMBs: Double { rate(r.stat.seconds) }
    var wcMBs: Double { rate(r.wc.seconds) }
    var singleMBs: Double { rate(r.single.seconds) }
    var loadMBs: Double { rate(r.load.seconds) }
    var slowerThanWc: Double { r.stat.seconds / r.wc.seconds }
    var parallelGain: Double { r.single.seconds / r.stat.seconds }
    var anonPerRow: Double { r.load.rows > 0 ? Double(r.load.rssAnon) / Double(r.load.rows) : 0 }
    var bytesPerEvent: Double { r.load.rows > 0 ? Double(r.load.columnBytes) / Double(r.load.rows) : 0 }

    var statPass: Bool { statMBs >= Self.statBar }
    var bytesPass: Bool { r.load.rows > 0 && bytesPerEvent <= Self.bytesPerEventBar }
    var firstScreenPass: Bool { (r.load.firstScreen ?? .infinity) < Self.firstScreenBar }

    func print() {
        let out = lines().joined(separator: "\n")
        Swift.print(out)
    }

    func lines() -> [String] {
        var t: [String] = []
        t.append("tracetui-bench: \(r.path)")
        t.append("  \(f(fileMB, 1)) MB (\(r.bytes) bytes), \(r.wc.value) lines, \(cores) cores, best of \(runs), "
                 + "page cache warm; MB = 2^20 bytes")
        t.append("")
        t.append(row("measure", "best s", "MB/s", "M ev/s", "cores", "others", "notes"))
        t.append(row("wc -l (reference)", f(r.wc.seconds, 3), f(wcMBs, 0), "-", "-", f(r.wc.otherCores, 2),
                     "\(r.wc.value) lines (its CPU counts under others)"))
        t.append(row("stat: ParallelParse.summarize", f(r.stat.seconds, 3), f(statMBs, 0),
                     f(mev(r.stat.value.events, r.stat.seconds), 2), f(r.stat.cores, 2), f(r.stat.otherCores, 2),
                     "\(f(slowerThanWc, 2))x slower than wc -l; \(r.stat.value.events) events"))
        t.append(row("stat, 1 thread: PieceParser", f(r.single.seconds, 3), f(singleMBs, 0),
                     f(mev(r.single.value.events, r.single.seconds), 2), f(r.single.cores, 2), f(r.single.otherCores, 2),
                     "whole file as one piece; parallel gain \(f(parallelGain, 2))x"))
        t.append(row("load: CaptureSession.replay", f(r.load.seconds, 3), f(loadMBs, 0),
                     f(mev(r.load.events, r.load.seconds), 2), f(r.load.cores, 2), f(r.load.otherCores, 2),
                     "\(r.load.rows) rows, \(r.load.events) events"))
        let piece = r.firstPiece
        t.append(row("first piece alone (rows kept)", f(piece.seconds, 4),
                     f(Double(piece.value.bytes) / Self.mb / piece.seconds, 0), "-", f(piece.cores, 2), f(piece.otherCores, 2),
                     "\(f(Double(piece.value.bytes) / Self.mb, 2)) MB, \(piece.value.rows) rows, parse + append"))
        t.append(row("first screen (>= \(Measurements.firstScreenRows) rows)",
                     r.load.firstScreen.map { f($0, 4) } ?? "never", "-", "-", "-", "-",
                     "open + replay until a snapshot holds them"))
        t.append("")
        t.append("memory after load (store alive, file mapped)")
        t.append(mem("columns (store.columnBytes)", r.load.columnBytes,
                     "\(f(bytesPerEvent, 1)) B per stored row beyond the mapped file"))
        t.append(mem("peak RSS (ru_maxrss, whole run)", r.peakRSS, "includes the mapped file's pages"))
        if let p = r.load.peakDuringLoad { t.append(mem("peak RSS during a load (VmHWM)", p, "reset before each load")) }
        t.append(mem("current RSS - file size", r.load.rss - r.bytes,
                     "VmRSS \(mbText(r.load.rss)), RssAnon \(mbText(r.load.rssAnon)), RssFile \(mbText(r.load.rssFile))"))
        // Anonymous memory is what the store really costs the process (columns plus name tables, heap, runtime).
        t.append(mem("anonymous RSS (RssAnon)", r.load.rssAnon,
                     "\(f(anonPerRow, 1)) B per stored row, all heap included"))
        if !(r.stat.value.events == r.single.value.events && r.single.value.events == r.load.events) {
            t.append("")
            t.append("WARNING: event counts differ: stat \(r.stat.value.events), one thread \(r.single.value.events), "
                     + "load \(r.load.events)")
        }
        t.append("")
        t.append("bars")
        t.append(bar("stat >= 1000 MB/s", "\(f(statMBs, 0)) MB/s", statPass))
        t.append(bar("<= 32 B/event", "\(f(bytesPerEvent, 1)) B/event", bytesPass))
        let size = fileMB >= 1000 ? "" : "  (on a \(f(fileMB, 0)) MB file; the bar is set for 1 GB)"
        t.append(bar("first screen < 0.3 s", r.load.firstScreen.map { "\(f($0, 3)) s" } ?? "never", firstScreenPass)
                 + size)
        t.append("")
        t.append(closingLine())
        return t
    }

    func closingLine() -> String {
        let firstScreen = r.load.firstScreen.map { f($0, 3) } ?? "never"
        let parts: [String] = [
            "bench: stat \(f(statMBs, 0)) MB/s (\(f(slowerThanWc, 1))x slower than wc -l), "
                + "\(f(mev(r.stat.value.events, r.stat.seconds), 1)) M events/s",
            "1 thread \(f(singleMBs, 0)) MB/s (parallel gain \(f(parallelGain, 2))x)",
            "load \(f(loadMBs, 0)) MB/s, \(f(bytesPerEvent, 1)) B/event, peak RSS \(mbText(r.peakRSS))",
            "first screen \(firstScreen) s on \(f(fileMB, 0)) MB",
        ]
        let verdicts = "stat \(verdict(statPass)), B/event \(verdict(bytesPass)), "
            + "first screen \(verdict(firstScreenPass))"
        return parts.joined(separator: "; ") + " — " + verdicts
    }

    private func mev(_ events: Int, _ seconds: Double) -> Double { seconds > 0 ? Double(events) / seconds / 1e6 : 0 }
    private func verdict(_ pass: Bool) -> String { pass ? "PASS" : "MISS" }
    private func f(_ v: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", v) }
    private func mbText(_ bytes: Int) -> String { "\(f(Double(bytes) / Self.mb, 0)) MB" }

    /// `cores`: this process's CPU time over wall time; `others`: the rest of the machine's meanwhile.
    private func row(_ name: String, _ s: String, _ mbs: String, _ mev: String, _ cores: String, _ others: String,
                     _ notes: String) -> String {
        pad(name, 34) + lpad(s, 8) + lpad(mbs, 8) + lpad(mev, 8) + lpad(cores, 7) + lpad(others, 7) + "   " + notes
    }

    private func mem(_ name: String, _ bytes: Int, _ notes: String) -> String {
        "  " + pad(name, 32) + lpad(mbText(bytes), 8) + "   " + notes
    }

    private func bar(_ name: String, _ value: String, _ pass: Bool) -> String {
        "  " + pad(name, 24) + lpad(value, 14) + "   " + verdict(pass)
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    private func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
