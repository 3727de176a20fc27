/// libFuzzer entry points for every reader in TraceModel, compiled into one binary with the model's sources by
/// `Fuzz/run.sh` (SwiftPM never builds this folder). The reader is picked by `TRACETUI_FUZZ_TARGET`, so one
/// sanitized build serves every target instead of eleven ten-minute ones.
///
/// Each target runs the input the way a command would: parse, then the walks that follow (call tree, stack
/// samples, folded and SVG output, the summary), because crashes in the tools live in those walks as much as
/// in the line readers.

enum FuzzTarget: String, CaseIterable {
    case ftrace, funcgraph, tracecmd, perfscript, uftrace, chrome, folded, proc, sidecar, filter, regex

    static let current: FuzzTarget = {
        guard let name = getenv("TRACETUI_FUZZ_TARGET").map({ String(cString: $0) }), let t = FuzzTarget(rawValue: name)
        else {
            fputs("set TRACETUI_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))\n",
                  stderr)
            exit(2)
        }
        return t
    }()
}

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func tracetuiFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    switch FuzzTarget.current {
    case .ftrace, .funcgraph, .tracecmd, .uftrace, .perfscript:
        // The same whole-file path for every text format; the targets differ in their seeds and the prefix
        // that makes the detector choose their parser.
        fuzzText(bytes)
    case .chrome:
        if let text = try? ChromeTraceReader.ftraceText(bytes) { text.withUnsafeBytes { fuzzText($0, copy: text) } }
    case .folded:
        let parsed = FoldedStacks.parse(bytes)
        let source = HotspotSource(samples: parsed.samples)
        _ = source.table()
        _ = source.folded()
        let stacks = FoldedInput.parse(Array(bytes))
        if FlameGraphSVG.frameCount(stacks) < 400_000 { _ = FlameGraphSVG().render(stacks) }
    case .proc:
        // One input split into the files a sample reads, at NUL bytes.
        let parts = bytes.split(separator: 0, maxSplits: 6, omittingEmptySubsequences: false)
            .map { UnsafeRawBufferPointer(rebasing: $0) }
        func part(_ i: Int) -> UnsafeRawBufferPointer? { i < parts.count ? parts[i] : nil }
        let a = ProcSample.parse(stat: part(0), meminfo: part(1), diskstats: part(2), netdev: part(3),
                                 loadavg: part(4), vmstat: part(5), pressure: part(6).map { [("cpu", $0)] } ?? [])
        var b = a
        b.monotonic = 1_000_000_000
        let rates = ProcRates(from: a, to: b)
        _ = DstatTable.row(rates)
        _ = DstatTable.csvRow(rates, time: 0)
        _ = DstatTable.jsonRow(rates, sample: b)
    case .sidecar:
        if let decoded = ProcSidecar.decode(bytes) {
            let history = ProcHistory(decoded.samples, pageSize: decoded.pageSize)
            for r in history.rates {
                _ = DstatTable.row(r)
                _ = DstatTable.csvRow(r, time: 0)
            }
        }
    case .filter:
        let text = String(decoding: bytes, as: UTF8.self)
        if let e = try? FilterExpression.parse(text), var m = try? RowMatcher(e, store: FuzzTarget.store) {
            _ = m.matchingRows(0..<FuzzTarget.store.count) { false }
        }
    case .regex:
        // First line the pattern, the rest the subject.
        let nl = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let pattern = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<nl]), as: UTF8.self)
        if let re = try? ByteRegex(pattern) {
            _ = re.firstMatch(in: UnsafeRawBufferPointer(rebasing: bytes[min(nl + 1, bytes.count)...]))
        }
    }
    return 0
}

extension FuzzTarget {
    static let store: EventStore = {
        let text = "  bash-1 [000] d..2.  1.000001: sched_switch: prev_comm=bash prev_pid=1 ==> next_comm=a next_pid=2\n"
            + "  kworker/u4:2-87 [001] .....  1.700000: sys_read(fd: 3, buf: 0x1, count: 0x1000)\n"
            + "  feas-12691 [000] dNh6.  1.800000: sched_wakeup: comm=-qos.overcommit pid=12692 prio=116\n"
        return EventStore(parsing: OwnedBytes(Array(text.utf8)))
    }()
}

/// Everything a command does with a text log: the store, the summary, the call tree, the stacks and their outputs.
func fuzzText(_ bytes: UnsafeRawBufferPointer, copy: [UInt8]? = nil) {
    // Copies by memcpy (OwnedBytes' generic initializer walks a collection byte by byte).
    let array = copy ?? Array(bytes)
    let store = EventStore(parsing: OwnedBytes(copying: bytes))
    _ = TraceSummary(parsing: array)
    let source = HotspotSource(store: store)
    _ = source.table()
    _ = source.folded()
    if let calls = source.calls {
        let paths = CallPathTree(calls)
        _ = paths.text()
        _ = paths.json()
        let stacks = FoldedInput.stacks(of: calls)
        if FlameGraphSVG.frameCount(stacks) < 2_000 { _ = FlameGraphSVG().render(stacks) }
    }
    // The exporters on one input in four: under ASan they cost more than the parse, and the parse is the target.
    guard array.count % 4 == 0 else { return }
    for format in [ExportFormat.chrome, .csv] {
        // A small threshold: the sink's buffer is allocated (and poisoned by ASan) per input, and flushing
        // often is a path of its own worth fuzzing.
        var sink = ByteSink(threshold: 1 << 12) { _ in }
        _ = try? Exporter.write(format, store: store, tree: source.calls, to: &sink)
        sink.finish()
    }
}
