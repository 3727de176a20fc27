import Foundation
import Testing
@testable import TraceModel

extension FunctionGraphGenerator.Options: CustomTestStringConvertible {
    var testDescription: String { name }

    /// Every layout option on its own, then together.
    static let variants: [Self] = [
        .init(name: "plain"),
        .init(name: "header", header: true),
        .init(name: "2 CPUs interleaved", cpus: 2),
        .init(name: "3 CPUs interleaved", cpus: 3),
        .init(name: "2-digit CPU column", cpus: 2, cpuWidth: 2),
        .init(name: "funcgraph-abstime", header: true, abstime: true),
        .init(name: "funcgraph-proc", cpus: 2, header: true, proc: true),
        .init(name: "funcgraph-tail", tail: true),
        .init(name: "funcgraph-retval", retval: .decimal),
        .init(name: "funcgraph-retval-hex", retval: .hex),
        .init(name: "no overhead marks", overhead: false),
        .init(name: "durations of seconds", longDurations: true),
        .init(name: "irq arrows", cpus: 2, irqs: true),
        .init(name: "context switches", cpus: 2, contextSwitches: true),
        .init(name: "trace_printk comments", comments: true),
        .init(name: "cut at the start", cpus: 2, cutStart: true),
        .init(name: "cut at the start by hand", cutStart: true, bareOrphans: true),
        .init(name: "cut at the end", cpus: 2, cutEnd: true),
        .init(name: "cut at both ends with irqs", cpus: 2, irqs: true, cutStart: true, cutEnd: true),
        .init(name: "everything", cpus: 3, cpuWidth: 2, header: true, abstime: true, proc: true, tail: true,
              longDurations: true, irqs: true, contextSwitches: true, comments: true, cutStart: true, cutEnd: true),
        .init(name: "everything, retval, no proc", cpus: 3, abstime: true, retval: .decimal, longDurations: true,
              irqs: true, contextSwitches: true, comments: true, cutStart: true, cutEnd: true),
        .init(name: "nofuncgraph-duration", cpus: 2, header: true, duration: false, comments: true, cutEnd: true),
        .init(name: "nofuncgraph-duration, proc", cpus: 2, duration: false, proc: true, contextSwitches: true),
        .init(name: "nofuncgraph-duration, cut at the start", duration: false, cutStart: true),
        .init(name: "nofuncgraph-duration, irq arrows", cpus: 2, duration: false, irqs: true),
    ]

    static var everything: Self { variants.first { $0.name == "everything" }! }
}

/// The call tree and merged call paths of generated logs equal what the generator knows it printed.
@Suite("Generated function_graph logs")
struct FunctionGraphGeneratorTests {
    static let seeds: [UInt64] = [1, 2, 3, 7, 42, 1234, 99_991]

    typealias Truth = FunctionGraphGenerator.Truth

    // MARK: - the tree and the paths

    @Test("Rebuilds every generated call exactly", arguments: FunctionGraphGenerator.Options.variants, seeds)
    func rebuildsEveryGeneratedCallExactly(_ options: FunctionGraphGenerator.Options, _ seed: UInt64) {
        // Given a generated log
        let log = FunctionGraphGenerator.generate(options, seed: seed)
        // When the tree is rebuilt from its text
        let tree = CallTreeSamples.tree(text: log.text)
        // Then every call matches, in order
        Self.expectSameCalls(tree, log.truth, seed: seed)
    }

    @Test("Merges generated call paths exactly", arguments: FunctionGraphGenerator.Options.variants, seeds)
    func mergesIdenticalCallPaths(_ options: FunctionGraphGenerator.Options, _ seed: UInt64) {
        let log = FunctionGraphGenerator.generate(options, seed: seed)
        let paths = CallPathTree(CallTreeSamples.tree(text: log.text))
        let truth = log.truth.paths()
        Self.expectSamePaths(Self.flatten(paths), Self.flatten(truth.nodes, roots: truth.roots), "seed \(seed)")
    }

    @Test("Merges the subtrees of one generated function", arguments: FunctionGraphGenerator.Options.variants, seeds)
    func mergesOnlyTheSubtreesOfTheChosenFunction(_ options: FunctionGraphGenerator.Options, _ seed: UInt64) {
        let log = FunctionGraphGenerator.generate(options, seed: seed)
        let tree = CallTreeSamples.tree(text: log.text)
        // The most-called function that has callees, else the most-called one.
        let byCalls = log.truth.functions.sorted { ($0.value.calls, $1.key) > ($1.value.calls, $0.key) }.map(\.key)
        let withCallees = byCalls.first { name in
            log.truth.calls.indices.contains { log.truth.calls[$0].name == name && !log.truth.children[$0].isEmpty }
        }
        guard let function = withCallees ?? byCalls.first else { return }
        let truth = log.truth.paths(function: function)
        let got = Self.flatten(CallPathTree(tree, function: function))
        let want = Self.flatten(truth.nodes, roots: truth.roots)
        // The same paths with the same numbers, in time order.
        #expect(Set(got.map(\.description)) == Set(want.map(\.description)), "\(function), seed \(seed)")
        Self.expectSamePaths(got, want, "\(function) in time order, seed \(seed)")
    }

    @Test("Prints generated paths as JSON and text", arguments: [
        FunctionGraphGenerator.Options.variants[0], FunctionGraphGenerator.Options.everything,
    ], [UInt64(5), 6])
    func printsMergedPathsAsJSONAndText(_ options: FunctionGraphGenerator.Options, _ seed: UInt64) throws {
        let log = FunctionGraphGenerator.generate(options, seed: seed)
        let paths = CallPathTree(CallTreeSamples.tree(text: log.text))
        let truth = log.truth.paths()
        let want = Self.flatten(truth.nodes, roots: truth.roots)
        // JSON, to depth 2: the same paths, values in nanoseconds.
        let object = try JSONSerialization.jsonObject(with: Data(paths.json(maxDepth: 2).utf8)) as? [String: Any]
        let roots = try #require(object?["roots"] as? [[String: Any]])
        var fromJSON: [Truth.Path] = []
        func visit(_ node: [String: Any], _ prefix: [String]) {
            let path = prefix + [node["name"] as? String ?? "?"]
            fromJSON.append(Truth.Path(path: path, calls: node["calls"] as? Int ?? -1,
                                       total: Int64(node["total_ns"] as? Int ?? -1),
                                       selfTime: Int64(node["self_ns"] as? Int ?? -1),
                                       max: Int64(node["max_ns"] as? Int ?? -1),
                                       min: Int64(node["min_ns"] as? Int ?? -1),
                                       incomplete: node["incomplete"] as? Bool ?? false))
            for c in node["children"] as? [[String: Any]] ?? [] { visit(c, path) }
        }
        for r in roots { visit(r, []) }
        #expect(fromJSON == want.filter { $0.path.count <= 3 })
        // Text, to depth 1: a header, then one line per path, its name last.
        let lines = paths.text(maxDepth: 1).split(separator: "\n").map(String.init)
        let shown = want.filter { $0.path.count <= 2 }
        #expect(lines.count == shown.count + 1)
        for (line, path) in zip(lines.dropFirst(), shown) {
            #expect(line.hasSuffix(path.path.last! + (path.incomplete ? " …" : "")), "\(line)")
            #expect(line.contains(" \(path.calls)  "), "\(line)")
        }
    }

    // MARK: - known issues found by the generator

    @Test func attributesUnopenedClosesBeforeTheFirstBannerToTheOutgoingTask() {
        // A trace cut inside a call of task A, then a banner A => B, without a proc column: the `}` of
        // the cut call ran in A, as the calls opened before the banner did (and those get A).
        var checked = 0
        var wrong: [String] = []
        for seed in UInt64(1)...40 {
            let options = FunctionGraphGenerator.Options(name: "cut, switches", contextSwitches: true, cutStart: true)
            let log = FunctionGraphGenerator.generate(options, seed: seed)
            let tree = CallTreeSamples.tree(text: log.text)
            guard tree.count == log.truth.count else { continue }
            let calls = Self.depthFirst(log.truth).calls
            for n in 0..<tree.count where calls[n].orphanBeforeFirstBanner {
                checked += 1
                let got = CallTreeSamples.task(tree, n)
                if got != calls[n].task { wrong.append("seed \(seed) call \(n): \(got)") }
            }
        }
        #expect(checked > 0)
        #expect(wrong.isEmpty, "\(wrong.count) of \(checked) wrong, first: \(wrong.prefix(3))")
    }

    // MARK: - the generator itself

    @Test func generatesTheSameLogForTheSameSeed() {
        let options = FunctionGraphGenerator.Options.everything
        let a = FunctionGraphGenerator.generate(options, seed: 77)
        let b = FunctionGraphGenerator.generate(options, seed: 77)
        let c = FunctionGraphGenerator.generate(options, seed: 78)
        #expect(a.text == b.text)
        #expect(a.truth.calls == b.truth.calls)
        #expect(a.text != c.text)
    }

    @Test func printsDurationsInTheKernelsEightCharacterField() throws {
        // Fields copied from the samples (kernel-doc-ftrace-overhead-markers.txt, -funcgraph-proc.txt, junixcn).
        let cases: [(Int64, String)] = [
            (327, "  0.327 us    |  "), (49_370, "+ 49.370 us   |  "), (140_417, "! 140.417 us  |  "),
            (1_837_709, "# 1837.709 us |  "), (33_998_590, "* 33998.59 us |  "), (119_760_200, "@ 119760.2 us |  "),
            (3_594_274_000, "$ 3594274 us  |  "), (19_354_026_000, "$ 19354026 us |  "),
        ]
        for (ns, field) in cases {
            #expect(String(FunctionGraphGenerator.mark(ns)) + " " + FunctionGraphGenerator.durationText(ns) + "|  "
                == field)
        }
        let overhead = try CallTreeSamples.bytes("function_graph/kernel-doc-ftrace-overhead-markers.txt")
        let text = String(decoding: overhead, as: UTF8.self)
        for (_, field) in cases.dropFirst(2).prefix(5) { #expect(text.contains(field.dropLast(2))) }
        // The printed value keeps only what fits.
        #expect(FunctionGraphGenerator.printed(33_998_594) == 33_998_590)
        #expect(FunctionGraphGenerator.printed(119_760_299) == 119_760_200)
        #expect(FunctionGraphGenerator.printed(3_594_274_999) == 3_594_274_000)
        #expect(FunctionGraphGenerator.printed(9_999_999) == 9_999_999)
    }

    @Test func choosesOverheadMarksAtTheKernelsThresholds() {
        let marks = FunctionGraphGenerator.thresholds.map { FunctionGraphGenerator.mark($0) }
        #expect(marks == [" ", "+", "+", "!", "!", "#", "#", "*", "*", "@", "@", "$"])
    }

    @Test func printsTaskColumnsAndBannersLikeTheKernel() throws {
        #expect(FunctionGraphGenerator.procField("sh-4802") == "   sh-4802    ")
        let banner = " 0) " + FunctionGraphGenerator.procField("platfor-3210") + " => "
            + FunctionGraphGenerator.procField("vmstat-2854")
        let sample = String(decoding: try CallTreeSamples.bytes(
            "function_graph/perf-tools-funcgraph-do_nanosleep-context-switch.txt"), as: UTF8.self)
        #expect(sample.split(separator: "\n").contains { $0 == banner })
    }

    @Test func printsIrqArrowsAndProcColumnsThatTheParserReads() {
        // A generated log with everything on parses without unparsed lines.
        let log = FunctionGraphGenerator.generate(FunctionGraphGenerator.Options.everything, seed: 3)
        let summary = TraceSummary(parsing: Array(log.text.utf8))
        #expect(summary.unparsed == 0)
        #expect(log.text.contains("==========> |"))
        #expect(log.text.contains(" => "))
    }

    // MARK: - helpers

    /// The truth's calls numbered as `CallTree` lays them out: CPU after CPU, depth first, each root then
    /// what ran inside it.
    static func depthFirst(_ truth: Truth) -> (calls: [Truth.Call], children: [[Int]], roots: [Int]) {
        var order: [Int] = []
        func visit(_ n: Int) {
            order.append(n)
            for c in truth.children[n] { visit(c) }
        }
        for cpu in Set(truth.roots.map { truth.calls[$0].cpu }).sorted() {
            for r in truth.roots where truth.calls[r].cpu == cpu { visit(r) }
        }
        var newIndex = [Int](repeating: -1, count: truth.calls.count)
        for (new, old) in order.enumerated() { newIndex[old] = new }
        let calls = order.map { old in
            var c = truth.calls[old]
            c.parent = c.parent < 0 ? -1 : newIndex[c.parent]
            return c
        }
        return (calls, order.map { truth.children[$0].map { newIndex[$0] } }, truth.roots.map { newIndex[$0] })
    }

    static func expectSameCalls(_ tree: CallTree, _ truth: Truth, seed: UInt64) {
        #expect(tree.count == truth.count, "calls (seed \(seed))")
        #expect(tree.roots.count == truth.roots.count, "roots (seed \(seed))")
        #expect(CallTreeSamples.count(tree, .irq) == truth.flagged(.irq), "irq calls (seed \(seed))")
        #expect(CallTreeSamples.count(tree, .unfinished) == truth.flagged(.unfinished), "unfinished (seed \(seed))")
        #expect(CallTreeSamples.count(tree, .startedBefore) == truth.flagged(.startedBefore),
                "startedBefore (seed \(seed))")
        #expect(CallTreeSamples.functions(tree).mapValues { Truth.Totals(calls: $0.calls, total: $0.total,
                                                                            selfTime: $0.selfTime) }
            == truth.functions, "per-function calls/total/self (seed \(seed))")
        guard tree.count == truth.count else { return }
        let laid = depthFirst(truth)
        #expect(laid.calls.count == truth.count, "every true call is reachable from a root (seed \(seed))")
        var mismatches: [String] = []
        for n in 0..<tree.count {
            let want = laid.calls[n]
            // The task of a `}` before the first banner is checked on its own (a known issue).
            let got = Truth.Call(name: tree.name(n), parent: Int(tree.parent[n]), total: tree.total[n],
                                 selfTime: tree.selfTime(n), flags: tree.flags[n], cpu: Int(tree.cpu[n]),
                                 task: want.orphanBeforeFirstBanner ? want.task : CallTreeSamples.task(tree, n),
                                 orphanBeforeFirstBanner: want.orphanBeforeFirstBanner)
            if got != want { mismatches.append("call \(n): got \(got), want \(want)") }
            let children = tree.children(of: n).map(Int.init)
            if children != laid.children[n] {
                mismatches.append("children of \(n): got \(children), want \(laid.children[n])")
            }
        }
        if tree.roots.map(Int.init) != laid.roots {
            mismatches.append("roots: got \(tree.roots), want \(laid.roots)")
        }
        #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    static func expectSamePaths(_ got: [Truth.Path], _ want: [Truth.Path], _ what: String) {
        #expect(got.count == want.count, "paths (\(what))")
        let first = zip(got, want).first { $0 != $1 }
        let message = "\(what): first differing path: got \(String(describing: first?.0)), "
            + "want \(String(describing: first?.1))"
        #expect(first == nil, Comment(rawValue: message))
    }

    /// Preorder, roots and children in their stored order.
    static func flatten(_ paths: CallPathTree) -> [Truth.Path] {
        var out: [Truth.Path] = []
        func visit(_ n: Int, _ prefix: [String]) {
            let node = paths.nodes[n]
            let path = prefix + [node.name]
            out.append(Truth.Path(path: path, calls: node.calls, total: node.total, selfTime: node.selfTime,
                                  max: node.max, min: node.min, incomplete: node.incomplete))
            for c in node.children { visit(c, path) }
        }
        for r in paths.roots { visit(r, []) }
        return out
    }

    static func flatten(_ nodes: [Truth.Path], roots: [Int]) -> [Truth.Path] {
        var out: [Truth.Path] = []
        func visit(_ n: Int) {
            var node = nodes[n]
            node.children = []
            out.append(node)
            for c in nodes[n].children { visit(c) }
        }
        for r in roots { visit(r) }
        return out
    }
}
