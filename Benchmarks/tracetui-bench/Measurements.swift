import Foundation
import TraceCapture
import TraceModel

/// The measurements. Each opens (maps) the file afresh, as `tracetui` does; the hot loops are the
/// library's own, so these only call and time them.
struct Measurements {
    let path: String
    let runs: Int
    static let firstScreenRows = 100

    func all() async throws(BenchError) -> BenchResults {
        let bytes = TraceGenerator.fileSize(path) ?? 0
        let wc = try await bestOf(runs) { () throws(BenchError) in try wcLines() }
        let stat = try await bestOf(runs) { () throws(BenchError) in await ParallelParse.summarize(try map(populate: true)) }
        let single = try await bestOf(runs) { () throws(BenchError) in try singleThreadSummary() }
        let piece = try await bestOf(runs) { () throws(BenchError) in try firstPieceAlone() }
        let load = try await fullLoad()
        return BenchResults(path: path, bytes: bytes, wc: wc, stat: stat, single: single, load: load,
                            firstPiece: piece, peakRSS: ProcessMemory.peakRSS)
    }

    /// The reference: `/usr/bin/wc -l` reading the same file from the page cache.
    func wcLines() throws(BenchError) -> Int {
        let wc = Process()
        wc.executableURL = URL(fileURLWithPath: "/usr/bin/wc")
        wc.arguments = ["-l", path]
        let out = Pipe()
        wc.standardOutput = out
        do { try wc.run() } catch { throw BenchError("cannot run /usr/bin/wc: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        wc.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard wc.terminationStatus == 0, let n = Int(text.split(separator: " ").first ?? "") else {
            throw BenchError("wc -l failed: \(text)")
        }
        return n
    }

    /// The file as each command maps it: `stat` populated up front (a full scan), the viewer page by page.
    func map(populate: Bool = false) throws(BenchError) -> MappedFile {
        do { return try MappedFile(path: path, populate: populate) } catch { throw BenchError(error.description) }
    }

    /// `stat` on one core: the whole file as one piece, so the parallel gain shows against `stat`.
    func singleThreadSummary() throws(BenchError) -> TraceSummary {
        let storage = try map(populate: true)
        let header = TraceHeaderScan.scan(storage.bytes)
        let piece = PieceParser(tracer: header.tracer, keepRows: false)
            .parse(storage, range: 0..<storage.bytes.count)
        var store = EventStore()
        store.append(piece)
        return store.summary
    }

    /// What the first screen waits for, without the rest of the load: the first piece, parsed with rows.
    func firstPieceAlone() throws(BenchError) -> PieceFigures {
        let storage = try map()
        let header = TraceHeaderScan.scan(storage.bytes)
        guard let first = PieceSplitter.split(storage.bytes).first else { return PieceFigures(bytes: 0, rows: 0) }
        let piece = PieceParser(tracer: header.tracer, keepRows: true).parse(storage, range: first)
        var store = EventStore()
        store.append(piece)
        return PieceFigures(bytes: first.count, rows: store.count)
    }

    /// `CaptureSession.replay` into a store, watched for the first screen.
    func fullLoad() async throws(BenchError) -> LoadFigures {
        var best: LoadFigures?
        var firstScreens: [Double] = []
        var peaks: [Int] = []
        for _ in 0..<max(1, runs) {
            let canResetPeak = ProcessMemory.resetPeak()
            // The watch's clock starts a few microseconds before `timed`'s: both include opening the file.
            let start = ContinuousClock.now
            let run = try await timed { () throws(BenchError) in
                let session = CaptureSession(sourceName: path)
                let watch = FirstScreenWatch(session.snapshots, rows: Self.firstScreenRows, since: start)
                await session.replay(try map())
                return (session, watch)
            }
            let (session, watch) = run.value
            if let s = await watch.finish() { firstScreens.append(s) }
            if canResetPeak, let hwm = ProcessMemory.status("VmHWM") { peaks.append(hwm) }
            let store = session.snapshots.current.store
            let figures = LoadFigures(
                seconds: run.seconds, cores: run.cores, otherCores: run.otherCores,
                rows: store.count, events: store.summary.events, columnBytes: store.columnBytes,
                firstScreen: nil, peakDuringLoad: nil,
                rss: ProcessMemory.status("VmRSS") ?? 0, rssAnon: ProcessMemory.status("RssAnon") ?? 0,
                rssFile: ProcessMemory.status("RssFile") ?? 0)
            if best == nil || figures.seconds < best!.seconds { best = figures }
        }
        best!.firstScreen = firstScreens.min()
        best!.peakDuringLoad = peaks.max()
        return best!
    }
}
