import ArgumentParser
import TraceCapture
import TraceModel

/// `tracetui report FILE`: the hotspot table, like `perf report --stdio` (or `uftrace report`).
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the hotspots of a trace (no UI), like `perf report --stdio`.",
        discussion: """
            perf script text and stacks give samples (children and self), function_graph calls give \
            durations (calls, total, self, avg, max, min), other logs event counts.

            \(InputHelp.formats)
            """)

    @Argument(help: "A trace file (any format below): samples with stacks, function_graph calls or other events.")
    var file: String

    @Option(help: """
        Sort keys, perf's syntax: comm,dso,symbol,pid,cpu,parent (event for event counts), srcline and \
        symbol_size (with sym and dso only); a metric among them orders \
        the table: self, total, call, avg, max, avg-self, children (uftrace's --sort self).
        """)
    var sort: String?

    @Option(name: [.customShort("p"), .customLong("parent")],
            help: "perf's parent pattern for the parent sort key (default ^sys_|^do_page_fault).")
    var parent: String?

    @Flag(help: "Function durations: self time per call (avg, min, max) in place of total and self, as uftrace's.")
    var avgSelf = false

    @Flag(help: "No children column: each sample counts for its leaf function only.")
    var noChildren = false

    @Option(help: "Print at most this many entries.")
    var limit: Int?

    @Option(help: "table, csv or json")
    var format: ReportFormat = .table

    @Flag(name: .customShort("g"), help: "Callchains under each entry, as `perf report --stdio -g` (caller order).")
    var callchains = false

    @Option(name: .customLong("call-graph"),
            help: "perf's -g spec: graph[,THRESHOLD][,caller|callee] or none (implies -g).")
    var callGraph: String?

    @Option(help: "Leave out entries (and callchain branches) under this percent.")
    var percentLimit: Double?

    @Flag(help: "Shared objects by their whole path (default: the file name, as perf).")
    var fullPath = false

    @Flag(name: [.customShort("n"), .customLong("show-nr-samples")], help: "A column with the number of samples.")
    var showSamples = false

    @Flag(help: "Accepted for perf's command line: the report is always plain text.")
    var stdio = false

    @Option(help: "Only samples on these CPUs (perf's list: 0-2,5).")
    var cpu: String?

    @Option(name: [.customLong("comm"), .customLong("comms")], help: "Only entries of these commands (comma list).")
    var comm: String?

    @Option(help: "Only entries of these process ids (comma list).")
    var pid: String?

    @Option(help: "Only entries of these thread ids (comma list).")
    var tid: String?

    @Option(help: "Only samples in this span, seconds as perf script prints them: START,STOP (either may be empty).")
    var time: String?

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @OptionGroup var inputFlags: InputFlags

    func run() async throws {
        if sortsBySourceLine { return try await printSourceLines() }
        let input: TraceInput
        do {
            input = try inputFlags.open(file, populate: true)
        } catch {
            throw ValidationFailure(error.description)
        }
        var keys: [HotspotKey]?
        var metric: HotspotTable.SortColumn?
        if let sort {
            var parsed: [HotspotKey] = []
            for part in sort.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let k = HotspotKey.parse(part) {
                    parsed += k
                } else if let m = HotspotTable.SortColumn.parse(part) {
                    if metric == nil { metric = m }
                } else {
                    throw ValidationFailure("unknown sort key in '\(sort)' (comm, dso, symbol, pid, cpu, event, parent, "
                                            + "srcline, symbol_size; "
                                            + "self, total, call, avg, max, avg-self, children)")
                }
            }
            keys = parsed.isEmpty ? nil : parsed
            // srcline and symbol_size are decided by the innermost frame (sortsBySourceLine took those tables).
            if parsed.contains(where: { $0 == .srcline || $0 == .symbolSize }) {
                throw ValidationFailure("--sort \(sort): srcline and symbol_size combine with sym and dso only")
            }
        }
        let source: HotspotSource
        do {
            source = try await HotspotLoader.load(input)
        } catch {
            throw ValidationFailure(error.description)
        }
        let filter = try sampleFilter()
        var pattern: ByteRegex?
        if let parent {
            do { pattern = try ByteRegex(parent) } catch { throw ValidationFailure("--parent: \(error.description)") }
        }
        guard var (table, samples) = source.table(keys: keys, children: !noChildren, sampleFilter: filter,
                                                  parentPattern: pattern) else {
            throw ValidationFailure("--cpu, --comm, --pid, --tid and --time need samples (perf script, stacks)")
        }
        table.fullPaths = fullPath
        table.avgSelf = avgSelf && table.kind == .durations
        if let m = metric ?? (table.avgSelf ? .averageSelf : nil) {
            guard table.sortColumns.contains(m) else {
                throw ValidationFailure("--sort \(m.rawValue): not a column of this \(table.kind.rawValue) table "
                                        + "(\(table.sortColumns.map(\.rawValue).joined(separator: ", ")))")
            }
            table.sort(by: m)
        }
        var options = ReportOptions(limit: limit, title: file)
        options.percentLimit = percentLimit
        options.showSamples = showSamples
        options.samples = samples
        options.lostSamples = samples.lostEvents
        options.timeSlice = time
        if callchains || callGraph != nil { options.callchain = .caller }
        if let callGraph {
            for part in callGraph.split(separator: ",") {
                switch part {
                case "graph": break
                case "none": options.callchain = nil
                case "caller", "callee": options.callchain = PerfCallchain.Order(rawValue: String(part))
                default:
                    guard let v = Double(part) else { throw ValidationFailure("--call-graph: unknown part '\(part)'") }
                    options.callchainThreshold = v
                }
            }
        }
        switch format {
        case .table: printSafe(HotspotReport.text(table, options), terminator: "")
        case .csv: printSafe(HotspotReport.csv(table, limit: limit), terminator: "")
        case .json: printSafe(HotspotReport.json(table, limit: limit))
        }
    }

    /// perf's sample filters from the command line.
    private func sampleFilter() throws -> SampleFilter {
        var f = SampleFilter()
        if let cpu {
            guard let set = SampleFilter.cpuList(cpu) else { throw ValidationFailure("--cpu: expected a list like 0-2,5") }
            f.cpus = set
        }
        if let comm { f.comms = Set(comm.split(separator: ",").map(String.init)) }
        if let pid {
            guard let set = SampleFilter.idList(pid) else { throw ValidationFailure("--pid: expected numbers") }
            f.pids = set
        }
        if let tid {
            guard let set = SampleFilter.idList(tid) else { throw ValidationFailure("--tid: expected numbers") }
            f.tids = set
        }
        if let time {
            guard let span = SampleFilter.timeSpan(time) else {
                throw ValidationFailure("--time: expected START,STOP in seconds (8854.9,8855.2)")
            }
            (f.start, f.end) = span
        }
        return f
    }
}
