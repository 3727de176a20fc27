/// libFuzzer entry points for every reader in TraceModel, compiled into one binary with the model's sources by
/// `Fuzz/run.sh` (SwiftPM never builds this folder). The reader is picked by `TRACETUI_FUZZ_TARGET`, so one
/// sanitized build serves every target instead of a ten-minute build each.
///
/// A reader's target runs that reader and nothing after it: an input costs what the reader costs, so the
/// campaign's ten million executions per reader fit in hours. The walks that follow a parse in the commands
/// (call tree, stack samples, tables, folded and call-path text and JSON, the SVG, the exporters, the summary)
/// crash as readily as the readers, so each has a target of its own over the same text inputs (FuzzWalks.swift):
/// every piece is still fuzzed, just not on every reader's input. Before the split every text input ran all of
/// them: the reader was a fifth of an ftrace input's time and a tenth of a function_graph one's.

enum FuzzTarget: String, CaseIterable {
    case ftrace, funcgraph, tracecmd, perfscript, uftrace, chrome, folded, proc, sidecar, filter, regex
    /// uftrace's binary recording, a whole uftrace.data directory per input (FuzzUftraceData.swift).
    case uftracedata
    /// The walks after a parse, each over text inputs seeded from every text reader's seeds (FuzzWalks.swift).
    case summary, walks, export, flame

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
        // The same whole-file parse for every text format; the targets differ in their seeds and the prefix
        // that makes the detector choose their parser. Copied by memcpy (OwnedBytes' generic initializer
        // walks a collection byte by byte).
        _ = EventStore(parsing: OwnedBytes(copying: bytes))
    case .chrome:
        // The converter, then the store over its text: what `replay` of a .json does.
        if let text = try? ChromeTraceReader.ftraceText(bytes) {
            text.withUnsafeBytes { _ = EventStore(parsing: OwnedBytes(copying: $0)) }
        }
    case .folded:
        // Both folded readers: the samples (hotspots, `dump --format folded`) and the SVG's stacks. Their
        // tables, folded text and SVG are the flame target's.
        _ = FoldedStacks.parse(bytes)
        _ = FoldedInput.parse(Array(bytes))
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
    case .uftracedata: fuzzUftraceData(bytes)
    case .summary: fuzzSummary(bytes)
    case .walks: fuzzWalks(bytes)
    case .export: fuzzExport(bytes)
    case .flame: fuzzFlame(bytes)
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
