import Foundation
import Testing
@testable import TraceModel

// Expected call trees of every function_graph sample in ../shared/samples, derived WITHOUT the
// project's code by `python3 Tests/derive-funcgraph-trees.py` (`--swift` prints the rows below,
// `--tree FILE` prints one file's tree). The numbers are written here, not computed, so a change
// in the parser or the tree builder that moves any of them fails this suite.
//
// Per row: the number of calls (nodes), of roots, of nodes flagged irq / unfinished /
// startedBefore, the task labels that occur, and calls / total ns / self ns of the five most-called
// functions (ties broken by name). Rules: see the script's docstring (nesting per CPU, a `}` with
// nothing open starts a `startedBefore` node that adopts the deeper top-level calls before it,
// open calls at the end are `unfinished` and sum their children, `==========>` … `<==========`
// marks irq calls, a context-switch banner names the task of later calls without a proc column).

struct CallTreeExpectation: Sendable, CustomTestStringConvertible {
    struct Function: Sendable, Equatable, CustomStringConvertible {
        let calls: Int
        let total: Int64
        let selfTime: Int64
        var description: String { "\(calls) calls, \(total) ns total, \(selfTime) ns self" }
    }

    let path: String
    let nodes: Int
    let roots: Int
    let irq: Int
    let unfinished: Int
    let startedBefore: Int
    let tasks: [String]
    let topFunctions: [String: Function]

    var testDescription: String { path }
}

let callTreeExpectations: [CallTreeExpectation] = [
    CallTreeExpectation(
        path: "function_graph/junixcn-perf-ftrace-irq-markers-context-switch.txt",
        nodes: 38, roots: 11, irq: 13, unfinished: 1, startedBefore: 0,
        tasks: ["<...>-122943", "<idle>-0"],
        topFunctions: [
            "__wake_up_common": .init(calls: 2, total: 93, selfTime: 93),
            "__wake_up_common_lock": .init(calls: 2, total: 2911, selfTime: 2562),
            "_cond_resched": .init(calls: 2, total: 721, selfTime: 656),
            "_raw_spin_lock_irqsave": .init(calls: 2, total: 163, selfTime: 163),
            "_raw_spin_unlock_irqrestore": .init(calls: 2, total: 93, selfTime: 93),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-basic-sys_open.txt",
        nodes: 12, roots: 1, irq: 0, unfinished: 3, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__might_sleep": .init(calls: 2, total: 2771, selfTime: 2771),
            "_spin_lock": .init(calls: 1, total: 668, selfTime: 668),
            "_spin_unlock": .init(calls: 1, total: 586, selfTime: 586),
            "alloc_fd": .init(calls: 1, total: 1824, selfTime: 0),
            "do_sys_open": .init(calls: 1, total: 9700, selfTime: 0),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-funcgraph-abstime.txt",
        nodes: 13, roots: 4, irq: 0, unfinished: 4, startedBefore: 5,
        tasks: ["-"],
        topFunctions: [
            "(unknown)": .init(calls: 5, total: 29015, selfTime: 8522),
            "__brelse": .init(calls: 1, total: 578, selfTime: 578),
            "__phys_addr": .init(calls: 1, total: 594, selfTime: 594),
            "__wake_up_bit": .init(calls: 1, total: 541, selfTime: 541),
            "bit_waitqueue": .init(calls: 1, total: 594, selfTime: 0),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-funcgraph-proc.txt",
        nodes: 6, roots: 1, irq: 0, unfinished: 0, startedBefore: 1,
        tasks: ["sh-4802"],
        topFunctions: [
            "(unknown)": .init(calls: 1, total: 49370, selfTime: 44219),
            "__call_rcu": .init(calls: 1, total: 2899, selfTime: 1697),
            "call_rcu": .init(calls: 1, total: 4040, selfTime: 1141),
            "check_for_new_grace_period": .init(calls: 1, total: 586, selfTime: 586),
            "d_free": .init(calls: 1, total: 5151, selfTime: 1111),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-funcgraph-retval-hex.txt",
        nodes: 7, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "cgroup_migrate": .init(calls: 1, total: 7143, selfTime: 2123),
            "cgroup_migrate_add_task": .init(calls: 1, total: 651, selfTime: 651),
            "cgroup_migrate_execute": .init(calls: 1, total: 4369, selfTime: 2034),
            "cgroup_taskset_first": .init(calls: 1, total: 1232, selfTime: 500),
            "cgroup_taskset_next": .init(calls: 1, total: 732, selfTime: 732),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-funcgraph-retval.txt",
        nodes: 7, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "cgroup_migrate": .init(calls: 1, total: 7143, selfTime: 2123),
            "cgroup_migrate_add_task": .init(calls: 1, total: 651, selfTime: 651),
            "cgroup_migrate_execute": .init(calls: 1, total: 4369, selfTime: 2034),
            "cgroup_taskset_first": .init(calls: 1, total: 1232, selfTime: 500),
            "cgroup_taskset_next": .init(calls: 1, total: 732, selfTime: 732),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-funcgraph-tail.txt",
        nodes: 3, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__phys_addr": .init(calls: 1, total: 518, selfTime: 518),
            "kmem_cache_free": .init(calls: 1, total: 1757, selfTime: 1239),
            "putname": .init(calls: 1, total: 2861, selfTime: 1104),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-nofuncgraph-tail.txt",
        nodes: 3, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__phys_addr": .init(calls: 1, total: 518, selfTime: 518),
            "kmem_cache_free": .init(calls: 1, total: 1757, selfTime: 1239),
            "putname": .init(calls: 1, total: 2861, selfTime: 1104),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-overhead-markers.txt",
        nodes: 28, roots: 4, irq: 0, unfinished: 0, startedBefore: 17,
        tasks: ["-"],
        topFunctions: [
            "(unknown)": .init(calls: 12, total: 3715126854, selfTime: 3714044563),
            "__schedule": .init(calls: 2, total: 2029480, selfTime: 48177),
            "__local_bh_enable": .init(calls: 1, total: 313, selfTime: 313),
            "__rcu_read_unlock": .init(calls: 1, total: 313, selfTime: 313),
            "__switch_to": .init(calls: 1, total: 1837709, selfTime: 1837709),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-set_graph_function-__do_fault.txt",
        nodes: 24, roots: 2, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__do_fault": .init(calls: 2, total: 28249, selfTime: 7938),
            "__might_sleep": .init(calls: 2, total: 2741, selfTime: 2741),
            "__wake_up_bit": .init(calls: 2, total: 1277, selfTime: 1277),
            "_spin_lock": .init(calls: 2, total: 1284, selfTime: 1284),
            "_spin_unlock": .init(calls: 2, total: 1171, selfTime: 1171),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/kernel-doc-ftrace-trace_printk-comment.txt",
        nodes: 1, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__might_sleep": .init(calls: 1, total: 1449, selfTime: 1449),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph-abstime-nosleeptime-vfs_read.txt",
        nodes: 384, roots: 3, irq: 0, unfinished: 6, startedBefore: 6,
        tasks: ["-"],
        topFunctions: [
            "_raw_spin_lock_irqsave": .init(calls: 14, total: 1718, selfTime: 1718),
            "_raw_spin_unlock_irqrestore": .init(calls: 14, total: 1065, selfTime: 1065),
            "paravirt_get_lazy_mode": .init(calls: 14, total: 1118, selfTime: 1118),
            "update_curr": .init(calls: 10, total: 2569, selfTime: 2135),
            "update_cfs_rq_blocked_load": .init(calls: 9, total: 723, selfTime: 723),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph-do_nanosleep-context-switch.txt",
        nodes: 86, roots: 1, irq: 0, unfinished: 4, startedBefore: 0,
        tasks: ["platfor-3210", "vmstat-2854"],
        topFunctions: [
            "paravirt_get_lazy_mode": .init(calls: 5, total: 258, selfTime: 258),
            "__xen_mc_entry": .init(calls: 4, total: 215, selfTime: 215),
            "__phys_addr": .init(calls: 3, total: 159, selfTime: 159),
            "__virt_addr_valid": .init(calls: 3, total: 191, selfTime: 191),
            "arbitrary_virt_to_machine": .init(calls: 3, total: 3083, selfTime: 2539),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph-do_sys_open-depth3.txt",
        nodes: 15, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__alloc_fd": .init(calls: 1, total: 397, selfTime: 397),
            "__fd_install": .init(calls: 1, total: 133, selfTime: 133),
            "__fsnotify_parent": .init(calls: 1, total: 883, selfTime: 737),
            "dget_parent": .init(calls: 1, total: 83, selfTime: 83),
            "do_filp_open": .init(calls: 1, total: 4617, selfTime: 451),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph-header-abstime-vfs_read.txt",
        nodes: 995, roots: 7, irq: 0, unfinished: 6, startedBefore: 7,
        tasks: ["-"],
        topFunctions: [
            "_raw_spin_lock_irqsave": .init(calls: 36, total: 4159, selfTime: 4159),
            "_raw_spin_unlock_irqrestore": .init(calls: 36, total: 2733, selfTime: 2733),
            "paravirt_get_lazy_mode": .init(calls: 35, total: 2705, selfTime: 2705),
            "update_curr": .init(calls: 25, total: 6676, selfTime: 5437),
            "update_cfs_rq_blocked_load": .init(calls: 21, total: 1540, selfTime: 1540),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph-maxdepth3-long-durations.txt",
        nodes: 8, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__hrtimer_start_range_ns": .init(calls: 1, total: 1115, selfTime: 1115),
            "__schedule": .init(calls: 1, total: 1000131000, selfTime: 1000131000),
            "do_nanosleep": .init(calls: 1, total: 1000154000, selfTime: 2382),
            "hrtimer_cancel": .init(calls: 1, total: 699, selfTime: 487),
            "hrtimer_start_range_ns": .init(calls: 1, total: 1919, selfTime: 804),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph-noduration.txt",
        nodes: 13, roots: 1, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["-"],
        topFunctions: [
            "__alloc_fd": .init(calls: 1, total: 0, selfTime: 0),
            "__fd_install": .init(calls: 1, total: 0, selfTime: 0),
            "__fsnotify_parent": .init(calls: 1, total: 0, selfTime: 0),
            "do_filp_open": .init(calls: 1, total: 0, selfTime: 0),
            "do_sys_open": .init(calls: 1, total: 0, selfTime: 0),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcgraph_example-ORIGINAL-with-prose.txt",
        nodes: 1491, roots: 12, irq: 0, unfinished: 6, startedBefore: 3,
        tasks: ["-", "platfor-3210", "vmstat-2854"],
        topFunctions: [
            "paravirt_get_lazy_mode": .init(calls: 54, total: 4081, selfTime: 4081),
            "_raw_spin_lock_irqsave": .init(calls: 52, total: 6292, selfTime: 6292),
            "_raw_spin_unlock_irqrestore": .init(calls: 52, total: 3962, selfTime: 3962),
            "update_curr": .init(calls: 38, total: 10149, selfTime: 8390),
            "idle_cpu": .init(calls: 30, total: 2222, selfTime: 2222),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcslower-abstime-proc-orphan-closing.txt",
        nodes: 7, roots: 7, irq: 0, unfinished: 0, startedBefore: 7,
        tasks: ["cksum-26695"],
        topFunctions: [
            "ext3_readpages": .init(calls: 7, total: 61103415, selfTime: 61103415),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcslower-context-switch-markers.txt",
        nodes: 5, roots: 5, irq: 0, unfinished: 0, startedBefore: 5,
        tasks: ["registe-27414", "vmstat-27419"],
        topFunctions: [
            "sys_nanosleep": .init(calls: 5, total: 7000768000, selfTime: 7000768000),
        ]
    ),
    CallTreeExpectation(
        path: "function_graph/perf-tools-funcslower-orphan-closing-braces.txt",
        nodes: 6, roots: 6, irq: 0, unfinished: 0, startedBefore: 6,
        tasks: ["-"],
        topFunctions: [
            "ext3_readpages": .init(calls: 6, total: 61023764, selfTime: 61023764),
        ]
    ),
    CallTreeExpectation(
        path: "trace-cmd-report/trace-cmd-doc-record-function_graph-irq_handler.txt",
        nodes: 5, roots: 5, irq: 0, unfinished: 0, startedBefore: 0,
        tasks: ["<idle>-0"],
        topFunctions: [
            "do_IRQ": .init(calls: 5, total: 146755, selfTime: 146755),
        ]
    ),
    CallTreeExpectation(
        path: "latency/kernel-doc-ftrace-irqsoff-display-graph.txt",
        nodes: 11, roots: 3, irq: 0, unfinished: 4, startedBefore: 0,
        tasks: ["bash-1507"],
        topFunctions: [
            "__save_stack_trace": .init(calls: 1, total: 1623, selfTime: 0),
            "__unwind_start": .init(calls: 1, total: 1623, selfTime: 0),
            "_raw_spin_lock_irqsave": .init(calls: 1, total: 0, selfTime: 0),
            "_raw_spin_unlock_irqrestore": .init(calls: 1, total: 0, selfTime: 0),
            "do_raw_spin_trylock": .init(calls: 1, total: 378, selfTime: 378),
        ]
    ),
]

/// Reads the shared samples and rebuilds call trees from text.
enum CallTreeSamples {
    struct MissingSample: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "sample not found at \(path): expected ../shared/samples next to the package "
                + "(set TRACETUI_SAMPLES to the samples directory to override)"
        }
    }

    /// Where the samples are: the same place the sample-count tests look.
    static var root: String { SampleFiles.root }


    static func bytes(_ path: String) throws -> [UInt8] {
        let full = root + "/" + path
        guard let data = FileManager.default.contents(atPath: full) else { throw MissingSample(path: full) }
        return [UInt8](data)
    }

    static func tree(_ path: String) throws -> CallTree { tree(bytes: try bytes(path)) }

    static func tree(text: String) -> CallTree { tree(bytes: Array(text.utf8)) }

    /// The tree of a whole store, checked against the tree the capture actor grows piece by piece
    /// (from lines taken apart while parsing, in pieces of about 4 KB).
    static func tree(bytes: [UInt8]) -> CallTree {
        let storage = OwnedBytes(bytes)
        let parser = PieceParser(tracer: TraceHeaderScan.scan(storage.bytes).tracer)
        var store = EventStore()
        store.append(parser.parse(storage, range: 0..<bytes.count))
        let whole = CallTree(store: store)
        var pieces = EventStore()
        var builder = CallTreeBuilder()
        var start = 0
        while start < bytes.count {
            var end = min(bytes.count, start + 4096)
            while end < bytes.count, bytes[end - 1] != 0x0A { end += 1 }
            let piece = parser.parse(storage, range: start..<end)
            pieces.append(piece)
            builder.consumeLastPiece(piece.graph, of: pieces)
            start = end
        }
        #expect(builder.finish() == whole, "the tree grown piece by piece differs from the whole store's")
        return whole
    }

    /// Calls, total and self time summed per function name over every node.
    static func functions(_ tree: CallTree) -> [String: CallTreeExpectation.Function] {
        var sums: [String: (Int, Int64, Int64)] = [:]
        for n in 0..<tree.count {
            let s = sums[tree.name(n), default: (0, 0, 0)]
            sums[tree.name(n)] = (s.0 + 1, s.1 + tree.total[n], s.2 + tree.selfTime(n))
        }
        return sums.mapValues { CallTreeExpectation.Function(calls: $0.0, total: $0.1, selfTime: $0.2) }
    }

    static func count(_ tree: CallTree, _ flag: CallTree.Flags) -> Int {
        tree.flags.filter { $0.contains(flag) }.count
    }

    /// The node ids of the calls to `name`, in node order.
    static func nodes(_ tree: CallTree, named name: String) -> [Int] {
        (0..<tree.count).filter { tree.name($0) == name }
    }

    static func childNames(_ tree: CallTree, _ node: Int) -> [String] {
        tree.children(of: node).map { tree.name(Int($0)) }
    }

    static func task(_ tree: CallTree, _ node: Int) -> String { tree.taskNames[Int(tree.task[node])] }
}

@Suite("Call trees of the function_graph samples")
struct CallTreeSampleTests {
    @Test("Rebuilds each sample's calls like the independent derivation", arguments: callTreeExpectations)
    func rebuildsSampleTreesLikeTheIndependentDerivation(_ expected: CallTreeExpectation) throws {
        let tree = try CallTreeSamples.tree(expected.path)
        let file = expected.path
        #expect(tree.count == expected.nodes, "calls in \(file)")
        #expect(tree.roots.count == expected.roots, "roots in \(file)")
        #expect(CallTreeSamples.count(tree, .irq) == expected.irq, "irq calls in \(file)")
        #expect(CallTreeSamples.count(tree, .unfinished) == expected.unfinished, "unfinished calls in \(file)")
        #expect(CallTreeSamples.count(tree, .startedBefore) == expected.startedBefore,
                "calls started before \(file)")
        let tasks = Set(tree.task.map { tree.taskNames[Int($0)] })
        #expect(tasks == Set(expected.tasks), "tasks in \(file)")
        let functions = CallTreeSamples.functions(tree)
        for (name, want) in expected.topFunctions.sorted(by: { $0.key < $1.key }) {
            #expect(functions[name] == want, "\(name) in \(file)")
        }
    }

    @Test func linksEveryChildToItsParent() throws {
        // Structural invariants over all samples: parents and children agree, roots have no parent,
        // self time is never negative and never above the total.
        for expected in callTreeExpectations {
            let tree = try CallTreeSamples.tree(expected.path)
            var seen = 0
            for n in 0..<tree.count {
                for c in tree.children(of: n) {
                    #expect(tree.parent[Int(c)] == Int32(n), "\(expected.path) node \(c)")
                    seen += 1
                }
                #expect(tree.selfTime(n) >= 0 && tree.selfTime(n) <= max(0, tree.total[n]))
            }
            #expect(seen + tree.roots.count == tree.count, "every node is a root or a child in \(expected.path)")
            #expect(tree.roots.allSatisfy { tree.parent[Int($0)] < 0 })
        }
    }

    // MARK: - hand-checked

    @Test func nestsOpeningClosesAsStartedBeforeCalls() throws {
        // kernel-doc-ftrace-funcgraph-abstime.txt begins with five `}` at falling indentation, and a
        // leaf between the 2nd and 3rd: each `}` becomes a `(unknown)` startedBefore call that adopts
        // what came before it, deeper than itself.
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-funcgraph-abstime.txt")
        #expect(tree.roots.map { tree.name(Int($0)) }
            == ["(unknown)", "journal_mark_dirty", "__brelse", "reiserfs_prepare_for_journal"])
        var chain: [Int64] = []
        var n = Int(tree.roots[0])
        while true {
            #expect(tree.name(n) == "(unknown)")
            #expect(tree.flags[n] == .startedBefore)
            chain.append(tree.total[n])
            guard let first = tree.children(of: n).first else { break }
            n = Int(first)
        }
        #expect(chain == [9063, 7952, 6796, 4663, 541])
        let third = Int(tree.children(of: Int(tree.children(of: Int(tree.roots[0])).first!)).first!)
        #expect(CallTreeSamples.childNames(tree, third) == ["(unknown)", "__wake_up_bit"])
        #expect(tree.selfTime(third) == 6796 - 4663 - 541)
        #expect(tree.cpu[third] == 1)
        // The last call never closes: unfinished, with its children's time.
        let last = Int(tree.roots[3])
        #expect(tree.flags[last] == .unfinished)
        #expect(tree.total[last] == 594)
    }

    @Test func flagsIrqHandlerNestedInTheInterruptedCall() throws {
        let tree = try CallTreeSamples.tree("function_graph/junixcn-perf-ftrace-irq-markers-context-switch.txt")
        let handler = try #require(CallTreeSamples.nodes(tree, named: "smp_irq_work_interrupt").first)
        let parent = Int(tree.parent[handler])
        #expect(tree.name(parent) == "finish_task_switch")
        #expect(!tree.flags[parent].contains(.irq))
        #expect(tree.flags[handler] == .irq)
        #expect(tree.total[handler] == 6958)
        #expect(CallTreeSamples.childNames(tree, handler) == ["irq_enter", "__wake_up", "irq_exit"])
        // Everything below the handler ran in the irq; nothing else did.
        var inside: Set<Int> = [handler]
        var stack = [handler]
        while let n = stack.popLast() {
            for c in tree.children(of: n) {
                inside.insert(Int(c))
                stack.append(Int(c))
            }
        }
        for n in 0..<tree.count {
            #expect(tree.flags[n].contains(.irq) == inside.contains(n), "\(tree.name(n))")
        }
        #expect(inside.count == 13)
        #expect(tree.cpu[handler] == 2)
    }

    @Test func attributesCallsAfterABannerToTheIncomingTask() throws {
        let tree = try CallTreeSamples.tree("function_graph/junixcn-perf-ftrace-irq-markers-context-switch.txt")
        let before = try #require(CallTreeSamples.nodes(tree, named: "switch_mm_irqs_off").first)
        // Before the CPU's first banner: the task that banner switches from.
        #expect(CallTreeSamples.task(tree, before) == "<idle>-0")
        for name in ["finish_task_switch", "smp_irq_work_interrupt", "touch_atime", "__mnt_want_write"] {
            let n = try #require(CallTreeSamples.nodes(tree, named: name).first)
            #expect(CallTreeSamples.task(tree, n) == "<...>-122943", "\(name)")
        }
        // The trace ends inside touch_atime: unfinished, the sum of its three children.
        let open = try #require(CallTreeSamples.nodes(tree, named: "touch_atime").first)
        #expect(tree.flags[open] == [.unfinished])
        #expect(tree.total[open] == 1277 + 163 + 116)
        #expect(tree.selfTime(open) == 0)
    }

    @Test func nestsCallsAfterASwitchUnderTheCallsStillOpenOnThatCPU() throws {
        // perf-tools do_nanosleep: the banner comes while platfor-3210 is inside __schedule; nesting is
        // rebuilt per CPU, so vmstat's do_nanosleep becomes a child of that open __schedule.
        let tree = try CallTreeSamples.tree("function_graph/perf-tools-funcgraph-do_nanosleep-context-switch.txt")
        let calls = CallTreeSamples.nodes(tree, named: "do_nanosleep")
        #expect(calls.count == 2)
        #expect(tree.roots == [Int32(calls[0])])
        #expect(tree.name(Int(tree.parent[calls[1]])) == "__schedule")
        #expect(CallTreeSamples.task(tree, calls[0]) == "platfor-3210")
        #expect(CallTreeSamples.task(tree, calls[1]) == "vmstat-2854")
        #expect(calls.allSatisfy { tree.flags[$0] == .unfinished })
        #expect(tree.total[calls[1]] == 4523)
    }

    @Test func namesAnUnopenedCloseFromItsTailComment() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-overhead-markers.txt")
        let switchTo = try #require(CallTreeSamples.nodes(tree, named: "__switch_to").first)
        #expect(tree.flags[switchTo] == .startedBefore)
        #expect(tree.total[switchTo] == 1_837_709)
        #expect(tree.name(Int(tree.parent[switchTo])) == "__schedule")
        let top = try #require(CallTreeSamples.nodes(tree, named: "schedule_preempt_disabled").first)
        #expect(tree.parent[top] == -1)
        #expect(tree.total[top] == 33_998_590)  // `* 33998.59 us`
        #expect(CallTreeSamples.childNames(tree, top) == ["schedule"])
    }

    @Test func readsEveryOverheadMarkAndLongDuration() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-overhead-markers.txt")
        let totals = Set(tree.total)
        for ns: Int64 in [61_770, 217_240, 1_837_709, 33_998_590, 119_760_200, 3_594_274_000] {
            #expect(totals.contains(ns), "\(ns) ns")
        }
        // `2) $ 3594274 us  |  }` closes on CPU 2 after handle_IPI: it adopts it, and none of the CPU 1
        // calls printed in between.
        let ipi = try #require(CallTreeSamples.nodes(tree, named: "handle_IPI").first)
        let outer = Int(tree.parent[ipi])
        #expect(tree.total[outer] == 3_594_274_000)
        #expect(tree.cpu[outer] == 2)
        #expect(tree.name(outer) == "(unknown)")
        #expect(CallTreeSamples.childNames(tree, outer) == ["handle_IPI"])
        // 7-digit durations of old kernels, without decimals or mark: `1000131 us |`.
        let long = try CallTreeSamples.tree("function_graph/perf-tools-funcgraph-maxdepth3-long-durations.txt")
        let sleep = try #require(CallTreeSamples.nodes(long, named: "do_nanosleep").first)
        #expect(long.total[sleep] == 1_000_154_000)
        #expect(long.selfTime(sleep) == 1_000_154_000 - 1_919 - 1_000_149_000 - 699)
    }

    @Test func sumsChildrenIntoCallsLeftOpen() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-basic-sys_open.txt")
        let open = ["sys_open", "do_sys_open", "alloc_fd"]
        for name in open {
            let n = try #require(CallTreeSamples.nodes(tree, named: name).first)
            #expect(tree.flags[n] == .unfinished, "\(name)")
            #expect(tree.selfTime(n) == 0, "\(name)")
        }
        let allocFd = CallTreeSamples.nodes(tree, named: "alloc_fd")[0]
        #expect(tree.total[allocFd] == 668 + 570 + 586)
        let sysOpen = CallTreeSamples.nodes(tree, named: "sys_open")[0]
        #expect(tree.total[sysOpen] == 7876 + 668 + 570 + 586)
    }

    @Test func takesTheTaskFromTheProcColumn() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-funcgraph-proc.txt")
        #expect(tree.taskNames.filter { !$0.isEmpty } == ["sh-4802"])
        let orphan = Int(tree.roots[0])
        #expect(tree.flags[orphan] == .startedBefore)
        #expect(tree.name(orphan) == "(unknown)")
        #expect(tree.total[orphan] == 49_370)
        #expect(CallTreeSamples.childNames(tree, orphan) == ["d_free"])
        let slower = try CallTreeSamples.tree("function_graph/perf-tools-funcslower-abstime-proc-orphan-closing.txt")
        #expect(slower.roots.count == 7)
        #expect((0..<slower.count).allSatisfy { CallTreeSamples.task(slower, $0) == "cksum-26695" })
        #expect(slower.total.contains(12_234_700))  // `! 12234.70 us`
    }

    @Test func followsEachBannerOfAFuncslowerTrace() throws {
        let tree = try CallTreeSamples.tree("function_graph/perf-tools-funcslower-context-switch-markers.txt")
        #expect((1..<tree.count).map { CallTreeSamples.task(tree, $0) }
            == ["vmstat-27419", "vmstat-27419", "registe-27414", "vmstat-27419"])
        #expect(CallTreeSamples.task(tree, 0) == "registe-27414")
    
        #expect(tree.total == [2_000_147_000, 1_000_143_000, 1_000_154_000, 2_000_183_000, 1_000_141_000])
        #expect(tree.flags.allSatisfy { $0 == .startedBefore })
    }

    @Test func readsTraceCmdGraphEvents() throws {
        let tree = try CallTreeSamples.tree("trace-cmd-report/trace-cmd-doc-record-function_graph-irq_handler.txt")
        #expect(tree.count == 5)
        #expect(tree.roots.count == 5)
        #expect(tree.total == [36_358, 24_014, 22_928, 37_512, 25_943])
        #expect((0..<tree.count).allSatisfy { CallTreeSamples.task(tree, $0) == "<idle>-0" && tree.name($0) == "do_IRQ" })
    }

    @Test func mergesIdenticalCallPaths() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-set_graph_function-__do_fault.txt")
        let paths = CallPathTree(tree)
        #expect(paths.nodes.count == 12)
        #expect(paths.roots.count == 1)
        let root = paths.nodes[paths.roots[0]]
        #expect(root.name == "__do_fault")
        #expect(root.calls == 2)
        #expect(root.total == 14_237 + 14_012)
        #expect(root.max == 14_237)
        #expect(root.min == 14_012)
        #expect(!root.incomplete)
        #expect(root.children.map { paths.nodes[$0].name }
            == ["filemap_fault", "_spin_lock", "page_add_file_rmap", "native_set_pte_at", "_spin_unlock",
                "unlock_page"])
        let filemap = paths.nodes[root.children[0]]
        #expect(filemap.total == 4_979 + 5_098)
        #expect(filemap.selfTime == (4_979 - 3_904) + (5_098 - 3_950))
        #expect(paths.nodes.allSatisfy { $0.calls == 2 })
    }

    @Test func mergesOnlyTheSubtreesOfTheChosenFunction() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-set_graph_function-__do_fault.txt")
        let paths = CallPathTree(tree, function: "find_lock_page")
        #expect(paths.roots.count == 1)
        let root = paths.nodes[paths.roots[0]]
        #expect(root.name == "find_lock_page")
        #expect(root.calls == 2)
        #expect(root.total == 3_904 + 3_950)
        #expect(root.children.map { paths.nodes[$0].name } == ["find_get_page", "__might_sleep"])
        #expect(paths.nodes.count == 3)
    }

    @Test func ordersTheCallsOfTheChosenFunctionByTime() {
        // CPU 0 begins inside F (its `}` comes last); CPU 1 makes a whole call to F in between.
        let tree = CallTreeSamples.tree(text: """
         0)   0.100 us    |    y_leaf();
         1)               |  F() {
         1)   0.200 us    |    z_leaf();
         1)   1.000 us    |  }
         0)   5.000 us    |  } /* F */

        """)
        let whole = CallPathTree(tree)
        #expect(whole.roots.count == 1)
        let root = whole.nodes[whole.roots[0]]
        #expect(root.calls == 2)
        #expect(root.children.map { whole.nodes[$0].name } == ["y_leaf", "z_leaf"])
        let chosen = CallPathTree(tree, function: "F")
        #expect(chosen.nodes.count == 3)
        #expect(chosen.nodes[chosen.roots[0]].children.map { chosen.nodes[$0].name } == ["y_leaf", "z_leaf"])
    
    }

    @Test func marksPathsWithCallsCutByTheTraceAsIncomplete() throws {
        let tree = try CallTreeSamples.tree("function_graph/kernel-doc-ftrace-funcgraph-abstime.txt")
        let paths = CallPathTree(tree)
        let incomplete = paths.nodes.filter(\.incomplete).map(\.name)
        #expect(incomplete.filter { $0 == "(unknown)" }.count == 5)
        #expect(Set(incomplete).isSuperset(of: ["reiserfs_prepare_for_journal", "unlock_buffer", "wake_up_bit",
                                                "bit_waitqueue"]))
        #expect(!paths.nodes.contains { $0.name == "journal_mark_dirty" && $0.incomplete })
        let json = paths.json()
        #expect(json.contains("\"incomplete\""))
        #expect(paths.text().contains("(unknown) …"))
    }

    @Test func namesABareUnopenedCloseUnknown() {
        let tree = CallTreeSamples.tree(text: """
         0)   0.250 us    |    leaf();
         0)   1.000 us    |  }

        """)
        #expect(tree.count == 2)
        #expect(tree.roots.count == 1)
        #expect(tree.name(Int(tree.roots[0])) == "(unknown)")
        #expect(tree.flags[Int(tree.roots[0])] == .startedBefore)
        #expect(CallTreeSamples.childNames(tree, Int(tree.roots[0])) == ["leaf"])
        #expect(tree.selfTime(Int(tree.roots[0])) == 750)
    }

    @Test func adoptsCallsBeforeAnUnopenedCloseWithoutDurationColumn() {
        // nofuncgraph-duration: ` 1) ` then two spaces a level; an orphan close is still indented.
        let tree = CallTreeSamples.tree(text: """
         1)     getname_flags();
         1)   } /* getname */
         1)   fsnotify();
         1) } /* do_sys_open */

        """)
        #expect(tree.roots.count == 1)
        #expect(tree.roots.first.map { tree.name(Int($0)) } == "do_sys_open")
        let outer = Int(tree.roots.first ?? 0)
        #expect(CallTreeSamples.childNames(tree, outer) == ["getname", "fsnotify"])
    
    }

    @Test func flagsIrqCallsWithoutDurationColumn() {
        // nofuncgraph-duration: print_graph_irq prints the arrows with no duration column and no bar.
        let tree = CallTreeSamples.tree(text: """
         0) do_idle() {
         0) ==========>
         0)   smp_apic_timer_interrupt() {
         0)     irq_enter();
         0)   }
         0) <==========
         0)   cpuidle_enter();
         0) }

        """)
        #expect(tree.count == 4)
        #expect(CallTreeSamples.nodes(tree, named: "smp_apic_timer_interrupt").allSatisfy {
            tree.flags[$0] == .irq
        } && CallTreeSamples.nodes(tree, named: "irq_enter").allSatisfy { tree.flags[$0] == .irq })
    
        #expect(CallTreeSamples.nodes(tree, named: "cpuidle_enter").allSatisfy { tree.flags[$0] == [] })
    }

    @Test func adoptsMoreCallsThanItMovesAtOnceAndStillLaysThemOutDepthFirst() {
        // Past `CallTreeBuilder.largestMove` adopted calls the lane is laid out again at the end.
        let adopted = CallTreeBuilder.largestMove + 10
        var text = " 1)               |  other() {\n"
        for _ in 0..<adopted { text += " 0)   0.100 us    |    poll();\n" }
        text += " 0) @ 900000.0 us |  } /* worker_loop */\n"
        text += " 0)               |  next() {\n 0)   0.200 us    |    inner();\n 0)   1.000 us    |  }\n"
        text += " 1)   5.000 us    |  }\n"
        let tree = CallTreeSamples.tree(text: text)
        #expect(tree.count == adopted + 4)
        #expect(tree.roots.map { tree.name(Int($0)) } == ["other", "worker_loop", "next"])
        #expect(tree.name(0) == "worker_loop")
        #expect(tree.children(of: 0).count == adopted)
        #expect(tree.subtreeEnd[0] == Int32(adopted + 1))
        let next = adopted + 1
        #expect(tree.name(next) == "next" && tree.children(of: next).map { tree.name(Int($0)) } == ["inner"])
        #expect(tree.cpu[next] == 0 && tree.cpu[next + 2] == 1)
    }

    @Test func adoptsThousandsOfCallsBeforeAnUnopenedClose() {
        // The trace starts inside a long-running call: 5000 of its children, then its `}`.
        var text = ""
        for _ in 0..<5000 { text += " 0)   0.100 us    |    poll();\n" }
        text += " 0) @ 900000.0 us |  } /* worker_loop */\n"
        let tree = CallTreeSamples.tree(text: text)
        #expect(tree.count == 5001)
        #expect(tree.roots.count == 1)
        #expect(tree.name(0) == "worker_loop")
        #expect(tree.children(of: 0).count == 5000)
    }
}
