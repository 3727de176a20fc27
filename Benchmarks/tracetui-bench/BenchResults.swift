import TraceModel

/// The figures of one benchmark run, each the best of `runs`.
struct BenchResults {
    var path: String
    var bytes: Int
    var wc: Timed<Int>                    // lines
    var stat: Timed<TraceSummary>
    var single: Timed<TraceSummary>
    var load: LoadFigures
    var firstPiece: Timed<PieceFigures>
    var peakRSS: Int                      // ru_maxrss at the end
}

/// A full store load: the fastest run's time and the store it built, plus memory and first screen.
struct LoadFigures {
    var seconds: Double
    var cores: Double
    var otherCores: Double
    var rows: Int
    var events: Int
    var columnBytes: Int
    /// Open → first snapshot with `firstScreenRows` rows, best run; nil if never reached.
    var firstScreen: Double?
    /// VmHWM during the load (reset before each run), largest run; nil when the reset is refused.
    var peakDuringLoad: Int?
    /// Right after a load, with the store alive and the file mapped.
    var rss: Int
    var rssAnon: Int
    var rssFile: Int
}

struct PieceFigures {
    var bytes: Int
    var rows: Int
}
