@testable import TraceModel

/// Synthesizes function_graph logs in the kernel's exact layout (kernel/trace/trace_functions_graph.c)
/// from a random call tree it builds itself, and knows what a call tree rebuilt from the text must hold.
///
/// Everything comes from one seed, so a failing case is rebuilt by its seed and options. Layout rules:
/// - `[%5lu.%06lu |  ]` (funcgraph-abstime), ` %*d) ` (CPU, width of the largest CPU number),
///   `[proc | ]` (funcgraph-proc: comm cut to 7 characters, `comm-pid` centred in 14 columns);
/// - the duration column: `%c ` overhead mark (`+ ! # * @ $` past 10 µs, 100 µs, 1 ms, 10 ms, 100 ms, 1 s,
///   strictly greater) then `%lu.%03lu us` cut to 7 digits (`33998.59`, `119760.2`, `3594274`) padded to 8,
///   then `|  `; an opening line or a comment fills it with `              |  `;
/// - two spaces per depth, then `f() {`, `f();`, `}` / `} /* f */` (funcgraph-tail, and always for a `}`
///   whose opening line is not in the trace), `f(); /* = 0x0 */` / `} /* f = -22 */` (funcgraph-retval);
/// - `  ==========> |` before an irq handler's first line, `  <========== |` after its last;
/// - when a CPU's task changes, the banner ` ----…`, ` 0) prev => next`, ` ----…`, blank line;
/// - a trace_printk comment `/* … */` indented at the depth of the enclosing call plus one.
///
/// The ground truth follows the tree builder's rules: printed (truncated) durations, a cut at the start
/// turns calls whose opening line is gone into startedBefore calls, a cut at the end leaves calls unfinished
/// (their total is the sum of their visible children), irq calls are the ones after a visible `==========>`.
struct FunctionGraphGenerator {
    enum Retval: String, Sendable, Hashable { case none, decimal, hex }

    /// Which of the kernel's options shape the text, and how the trace is cut.
    struct Options: Sendable, Hashable, CustomStringConvertible {
        var name: String
        var cpus = 1
        /// `max_bytes_for_cpu`: 1 prints ` 3) `, 2 prints `  3) ` (machines with 10 or more CPUs).
        var cpuWidth = 1
        var header = false
        /// funcgraph-duration: off prints no duration column at all (and the irq arrows without a bar).
        var duration = true
        var abstime = false
        var proc = false
        var tail = false
        var retval = Retval.none
        /// funcgraph-overhead: the `+ ! # * @ $` marks (off: two spaces).
        var overhead = true
        /// Durations of 1 s and more (`$ 3594274 us`), printed without decimals.
        var longDurations = false
        var irqs = false
        var contextSwitches = false
        var comments = false
        /// The trace begins inside calls: the first lines are the tails of calls opened before it.
        var cutStart = false
        /// The kernel names a `}` whose opening line it never printed; a file cut by hand has a bare `}`.
        var bareOrphans = false
        /// The trace ends inside calls that are never closed.
        var cutEnd = false

        var description: String { name }
    }

    /// What the tree builder must rebuild from the log.
    struct Truth: Sendable {
        struct Call: Sendable, Equatable {
            var name: String
            var parent: Int
            var total: Int64
            var selfTime: Int64
            var flags: CallTree.Flags
            var cpu: Int
            var task: String
            /// Made by a `}` printed before its CPU's first banner, with no proc column: see the tests.
            var orphanBeforeFirstBanner = false
        }

        struct Totals: Sendable, Equatable, CustomStringConvertible {
            var calls = 0
            var total: Int64 = 0
            var selfTime: Int64 = 0
            var description: String { "\(calls) calls, \(total) ns, self \(selfTime) ns" }
        }

        /// One merged call path, like `CallPathTree.Node` with the names of the path.
        struct Path: Sendable, Equatable, CustomStringConvertible {
            var path: [String]
            var calls = 0
            var total: Int64 = 0
            var selfTime: Int64 = 0
            var max: Int64 = 0
            var min: Int64 = .max
            var incomplete = false
            var children: [Int] = []
            var description: String {
                path.joined(separator: ";") + " calls \(calls) total \(total) self \(selfTime) max \(max) min \(min)"
                    + (incomplete ? " incomplete" : "")
            }
        }

        /// In the order the builder makes them: by the line that makes each call.
        var calls: [Call] = []
        /// Top-level calls by their first line in the file.
        var roots: [Int] = []
        /// Each call's children by their first line in the file.
        var children: [[Int]] = []
        /// The position of each call's first line among the trace's entries (its own, or its first child's).
        var firstLine: [Int] = []
        var functions: [String: Totals] = [:]

        var count: Int { calls.count }

        func flagged(_ flag: CallTree.Flags) -> Int { calls.filter { $0.flags.contains(flag) }.count }

        /// Merged by call path, the whole trace or only the subtrees of the outermost calls to `function`,
        /// children and roots in time order; preorder.
        func paths(function: String? = nil) -> (nodes: [Path], roots: [Int]) {
            var nodes: [Path] = []
            var rootPaths: [Int] = []
            var index: [[String]: Int] = [:]
            var starts = roots
            if let function {
                starts = []
                func find(_ n: Int) {
                    if calls[n].name == function { starts.append(n); return }
                    for c in children[n] { find(c) }
                }
                for r in roots { find(r) }
                starts.sort { firstLine[$0] < firstLine[$1] }
            }
            func visit(_ n: Int, _ parent: Int) {
                let key = (parent < 0 ? [] : nodes[parent].path) + [calls[n].name]
                let p: Int
                if let existing = index[key] {
                    p = existing
                } else {
                    p = nodes.count
                    index[key] = p
                    nodes.append(Path(path: key))
                    if parent < 0 { rootPaths.append(p) } else { nodes[parent].children.append(p) }
                }
                let call = calls[n]
                nodes[p].calls += 1
                nodes[p].total += call.total
                nodes[p].selfTime += call.selfTime
                nodes[p].max = Swift.max(nodes[p].max, call.total)
                nodes[p].min = Swift.min(nodes[p].min, call.total)
                if !call.flags.isDisjoint(with: [.unfinished, .startedBefore]) { nodes[p].incomplete = true }
                for c in children[n] { visit(c, p) }
            }
            for s in starts { visit(s, -1) }
            return (nodes, rootPaths)
        }
    }

    struct Log: Sendable {
        var text: String
        var truth: Truth
        var lines: Int
    }

    // MARK: - the random call tree

    private struct Call {
        var name: String
        var parent: Int
        var items: [Item] = []
        var depth: Int
        var total: Int64 = 0
        var cpu: Int
        var task: Int
        /// Inside an irq subtree; `handler` is the subtree's first call.
        var irq = false
        var handler = -1
        var retval: Int64 = 0
        var entryUnit = -1
        var exitUnit = -1
        var isLeaf: Bool { items.isEmpty }
        var children: [Int] {
            items.compactMap { if case .call(let c) = $0 { return c } else { return nil } }
        }
    }

    private enum Item {
        case call(Int)
        case comment(String)
    }

    /// One trace entry as the kernel prints it: its line, with the banner and irq arrows printed with it.
    private struct Unit {
        enum Kind {
            case entry(Int)
            case leaf(Int)
            case exit(Int)
            case comment(String, task: Int, depth: Int)
        }

        var kind: Kind
        var banner: (from: Int, to: Int)?
        var irqIn = false
        var irqOut = false
    }

    private struct Task {
        var comm: String
        var pid: Int
        /// What the kernel prints: the comm cut to 7 characters, a dash, the pid.
        var label: String { String(comm.prefix(7)) + "-" + String(pid) }
    }

    static let functionNames = [
        "vfs_read", "rw_verify_area", "security_file_permission", "__fdget_pos", "tty_read", "n_tty_read",
        "_raw_spin_lock_irqsave", "_raw_spin_unlock_irqrestore", "mutex_lock", "_cond_resched", "rcu_all_qs",
        "copy_to_user", "__might_sleep", "kmem_cache_alloc", "kfree", "schedule", "__schedule", "update_curr",
        "lock_hrtimer_base.isra.24", "rcu_eqs_enter_common.isra.47", "do_sys_open", "ext4_file_read_iter",
        "finish_task_switch", "down_read",
    ]
    static let irqHandlers = ["smp_apic_timer_interrupt", "do_IRQ", "smp_irq_work_interrupt"]
    static let irqFunctions = ["irq_enter", "rcu_irq_enter", "irq_exit", "handle_irq_event", "__wake_up",
                               "hrtimer_interrupt", "idle_cpu"]
    static let comms = ["sh", "vmstat", "kworker/1:2", "platform-worker", "<idle>", "bash", "Web Content",
                        "cksum", "ps"]
    static let printkMessages = ["I'm a comment!", "x = 1; y {", "tick {", "done;", "state: 3 | busy"]
    /// The kernel's overhead thresholds and one nanosecond past each.
    static let thresholds: [Int64] = [
        10_000, 10_001, 100_000, 100_001, 1_000_000, 1_000_001, 10_000_000, 10_000_001, 100_000_000,
        100_000_001, 1_000_000_000, 1_000_000_001,
    ]
    static let retvals: [Int64] = [0, 0, -22, -12, -2, 1, 4096, 0x7fff_1234, -0x6c03_0cb9_4000]

    private var rng: FunctionGraphRandom
    private let options: Options
    private var calls: [Call] = []
    private var tasks: [Task] = []

    private init(_ options: Options, seed: UInt64) {
        self.options = options
        rng = FunctionGraphRandom(seed: seed)
    }

    static func generate(_ options: Options, seed: UInt64) -> Log {
        var g = FunctionGraphGenerator(options, seed: seed)
        return g.run()
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[rng.below(values.count)] }

    private mutating func chance(_ percent: Int) -> Bool { rng.below(100) < percent }

    private mutating func selfTime() -> Int64 {
        let r = rng.below(100)
        if r < 70 { return Int64(20 + rng.below(3_000)) }
        if r < 85 { return Int64(3_000 + rng.below(97_000)) }
        if r < 93 { return Int64(100_000 + rng.below(9_900_000)) }
        if r < 97 {
            let limit: Int64 = options.longDurations ? .max : 100_000_001
            return pick(Self.thresholds.filter { $0 <= limit })
        }
        if options.longDurations { return 1_000_000_000 + Int64(rng.below(24_000_000)) * 1_000 + Int64(rng.below(1000)) }
        return 10_000_000 + Int64(rng.below(290_000_000))
    }

    /// A call and its subtree; `minDepth` forces that many levels below it (for the cuts).
    private mutating func makeCall(parent: Int, depth: Int, cpu: Int, task: Int, irq: Bool, handler: Int,
                                   minDepth: Int = 0) -> Int {
        let inIRQ = irq
        let name = inIRQ ? (handler < 0 ? pick(Self.irqHandlers) : pick(Self.irqFunctions)) : pick(Self.functionNames)
        let id = calls.count
        calls.append(Call(name: name, parent: parent, depth: depth, cpu: cpu, task: task))
        calls[id].irq = inIRQ
        calls[id].handler = inIRQ ? (handler < 0 ? id : handler) : -1
        calls[id].retval = pick(Self.retvals)
        var count = depth >= 6 ? 0 : [0, 0, 1, 2, 3, 4][rng.below(6 - min(depth, 2))]
        if minDepth > 0 { count = max(count, 1 + rng.below(3)) }
        var items: [Item] = []
        for k in 0..<count {
            if options.comments, chance(10) { items.append(.comment(pick(Self.printkMessages))) }
            let makeIRQ = options.irqs && !inIRQ && chance(8)
            let child = makeCall(parent: id, depth: depth + 1, cpu: cpu, task: task, irq: inIRQ || makeIRQ,
                                 handler: makeIRQ ? -1 : calls[id].handler,
                                 minDepth: k == 0 ? max(0, minDepth - 1) : 0)
            items.append(.call(child))
        }
        if options.comments, count > 0, chance(10) { items.append(.comment(pick(Self.printkMessages))) }
        calls[id].items = items
        var total = selfTime()
        for case .call(let c) in items { total += calls[c].total }
        calls[id].total = total
        return id
    }

    // MARK: - printing

    private mutating func run() -> Log {
        let cpuIDs: [Int] = {
            var all = Array(0..<(options.cpuWidth == 2 ? 48 : 8))
            var chosen: [Int] = []
            for _ in 0..<options.cpus { chosen.append(all.remove(at: rng.below(all.count))) }
            if options.cpuWidth == 2, !chosen.contains(where: { $0 >= 10 }) { chosen[0] = 10 + rng.below(38) }
            return chosen
        }()
        // Each CPU's units, in the order the kernel prints them.
        var units: [[Unit]] = []
        var firstVisible: [Int] = []
        var visibleEnd: [Int] = []
        for slot in cpuIDs.indices {
            var cpuTasks: [Int] = []
            for _ in 0..<(options.contextSwitches ? 3 : 1) {
                tasks.append(Task(comm: pick(Self.comms), pid: chance(10) ? 0 : 1 + rng.below(200_000)))
                cpuTasks.append(tasks.count - 1)
            }
            let treeCount = 2 + rng.below(4)
            var list: [Unit] = []
            var lastTask = -1
            var firstTreeEnd = 0, lastTreeStart = 0
            for t in 0..<treeCount {
                let deep = (t == 0 && options.cutStart) || (t == treeCount - 1 && options.cutEnd)
                let task = (t == 0 || !options.contextSwitches) ? cpuTasks[0] : pick(cpuTasks)
                if options.comments, t > 0, chance(20) {
                    list.append(Unit(kind: .comment(pick(Self.printkMessages), task: lastTask, depth: -1)))
                }
                if options.irqs, t > 0, chance(25) {
                    // An interrupt between two top-level calls, in the task that ran last.
                    let h = makeCall(parent: -1, depth: 0, cpu: slot, task: lastTask, irq: true, handler: -1)
                    emit(h, into: &list, lastTask: &lastTask)
                }
                if t == treeCount - 1 { lastTreeStart = list.count }
                let root = makeCall(parent: -1, depth: 0, cpu: slot, task: task, irq: false, handler: -1,
                                    minDepth: deep ? 3 : 0)
                emit(root, into: &list, lastTask: &lastTask)
                if t == 0 { firstTreeEnd = list.count }
            }
            // Cut inside the first tree (after at least its first line, before its last) and inside the last.
            let start = options.cutStart ? 1 + rng.below(max(1, firstTreeEnd - 2)) : 0
            let end = options.cutEnd ? lastTreeStart + 1 + rng.below(max(1, list.count - lastTreeStart - 2)) : list.count
            units.append(list)
            firstVisible.append(start)
            visibleEnd.append(max(end, start + 1))
        }
        cutStarts = firstVisible

        // Interleave the CPUs' visible units, a few at a time, as the kernel merges its per-CPU buffers.
        var order: [(cpu: Int, unit: Int)] = []
        var next = firstVisible
        while true {
            let open = (0..<units.count).filter { next[$0] < visibleEnd[$0] }
            guard let c = open.isEmpty ? nil : open[rng.below(open.count)] else { break }
            for _ in 0..<(1 + rng.below(3)) where next[c] < visibleEnd[c] {
                order.append((c, next[c]))
                next[c] += 1
            }
        }
        var position: [[Int]] = units.map { Array(repeating: -1, count: $0.count) }
        for (i, o) in order.enumerated() { position[o.cpu][o.unit] = i }

        // The text.
        var text = ""
        var lineCount = 0
        if options.header {
            text += "# tracer: function_graph\n#\n"
            text += "#" + (options.abstime ? "     TIME       " : "") + " CPU" + (options.proc ? "  TASK/PID       " : "")
                + (options.duration ? "  DURATION   " : "") + "               FUNCTION CALLS\n"
            text += "#" + (options.abstime ? "      |         " : "") + " |  " + (options.proc ? "   |    |        " : "")
                + (options.duration ? "   |   |      " : "") + "               |   |   |   |\n"
            lineCount += 4
        }
        var seconds = Int64(100 + rng.below(9_999_900))
        var micros = Int64(rng.below(1_000_000))
        // The kernel prints a banner only when it saw the previous task on that CPU.
        var sawLine = Array(repeating: false, count: units.count)
        for o in order {
            micros += Int64(rng.below(40))
            if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
            let unit = units[o.cpu][o.unit]
            let cpu = cpuIDs[o.cpu]
            for line in render(unit, cpu: cpu, seconds: seconds, micros: micros, bannerAllowed: sawLine[o.cpu]) {
                text += line + "\n"
                lineCount += 1
            }
            sawLine[o.cpu] = true
        }

        let truth = makeTruth(units: units, position: position, firstVisible: firstVisible, visibleEnd: visibleEnd,
                              cpuIDs: cpuIDs)
        return Log(text: text, truth: truth, lines: lineCount)
    }

    private mutating func emit(_ id: Int, into list: inout [Unit], lastTask: inout Int) {
        let call = calls[id]
        var banner: (Int, Int)?
        if lastTask >= 0, call.task != lastTask { banner = (lastTask, call.task) }
        lastTask = call.task
        let isHandler = call.irq && call.handler == id
        calls[id].entryUnit = list.count
        if call.isLeaf {
            list.append(Unit(kind: .leaf(id), banner: banner, irqIn: isHandler, irqOut: isHandler))
            calls[id].exitUnit = calls[id].entryUnit
            return
        }
        list.append(Unit(kind: .entry(id), banner: banner, irqIn: isHandler))
        for item in call.items {
            switch item {
            case .call(let c): emit(c, into: &list, lastTask: &lastTask)
            case .comment(let s): list.append(Unit(kind: .comment(s, task: call.task, depth: call.depth)))
            }
        }
        calls[id].exitUnit = list.count
        list.append(Unit(kind: .exit(id), irqOut: isHandler))
    }

    private func render(_ unit: Unit, cpu: Int, seconds: Int64, micros: Int64, bannerAllowed: Bool) -> [String] {
        var out: [String] = []
        let cpuColumn = " " + Self.leftPad(String(cpu), options.cpuWidth) + ") "
        func prefix(_ task: Int) -> String {
            var s = ""
            if options.abstime { s += Self.leftPad(String(seconds), 5) + "." + Self.zeroPad(micros, 6) + " |  " }
            s += cpuColumn
            if options.proc { s += Self.procField(tasks[task].label) + " | " }
            return s
        }
        let fill = options.duration ? "              |  " : ""
        let task: Int
        switch unit.kind {
        case .entry(let c), .leaf(let c), .exit(let c): task = calls[c].task
        case .comment(_, let t, _): task = t
        }
        if let banner = unit.banner, bannerAllowed {
            out.append(" ------------------------------------------")
            out.append(cpuColumn + Self.procField(tasks[banner.from].label) + " => " + Self.procField(tasks[banner.to].label))
            out.append(" ------------------------------------------")
            out.append("")
        }
        if unit.irqIn { out.append(prefix(task) + (options.duration ? "  ==========> |" : "==========>")) }
        switch unit.kind {
        case .entry(let c):
            let call = calls[c]
            out.append(prefix(task) + fill + Self.indent(call.depth) + call.name + "() {")
        case .leaf(let c):
            let call = calls[c]
            var text = call.name + "();"
            if options.retval != .none { text += " /* = " + retvalText(call.retval) + " */" }
            out.append(prefix(task) + durationField(call.total) + Self.indent(call.depth) + text)
        case .exit(let c):
            let call = calls[c]
            var text = "}"
            if options.retval != .none {
                text = "} /* " + call.name + " = " + retvalText(call.retval) + " */"
            } else if options.tail || (isOrphanExit(c) && !options.bareOrphans) {
                text = "} /* " + call.name + " */"
            }
            out.append(prefix(task) + durationField(call.total) + Self.indent(call.depth) + text)
        case .comment(let message, _, let depth):
            let indent = depth > 0 ? String(repeating: " ", count: (depth + 1) * 2) : ""
            out.append(prefix(task) + fill + indent + "/* " + message + " */")
        }
        if unit.irqOut { out.append(prefix(task) + (options.duration ? "  <========== |" : "<==========")) }
        return out
    }

    /// The `}` of a call whose opening line was cut away: the kernel names the function.
    private func isOrphanExit(_ c: Int) -> Bool {
        let call = calls[c]
        return call.entryUnit < cutStarts[call.cpu] && call.exitUnit >= cutStarts[call.cpu]
    }

    /// Per CPU slot: the first unit left after the cut at the start.
    private var cutStarts: [Int] = []

    private func retvalText(_ v: Int64) -> String {
        if options.retval == .hex || v == 0 { return "0x" + String(UInt64(bitPattern: v), radix: 16) }
        if v < 0, v >= -4095 { return String(v) }
        return "0x" + String(UInt64(bitPattern: v), radix: 16)
    }

    private func durationField(_ ns: Int64) -> String {
        guard options.duration else { return "" }
        return (options.overhead ? String(Self.mark(ns)) + " " : "  ") + Self.durationText(ns) + "|  "
    }

    /// `trace_find_mark`: the first threshold the duration is strictly above.
    static func mark(_ ns: Int64) -> Character {
        if ns > 1_000_000_000 { return "$" }
        if ns > 100_000_000 { return "@" }
        if ns > 10_000_000 { return "*" }
        if ns > 1_000_000 { return "#" }
        if ns > 100_000 { return "!" }
        if ns > 10_000 { return "+" }
        return " "
    }

    /// `trace_print_graph_duration`: microseconds, then as many of the three decimals as fit in 7
    /// digits, ` us `, padded to 8 characters.
    static func durationText(_ ns: Int64) -> String {
        let usecs = String(ns / 1000)
        var s = usecs
        var len = usecs.count
        if len < 7 {
            let keep = min(5, 8 - len) - 1
            let decimals = String(zeroPad(ns % 1000, 3).prefix(keep))
            s += "." + decimals
            len += decimals.count + 1
        }
        s += " us "
        if len < 8 { s += String(repeating: " ", count: 8 - len) }
        return s
    }

    /// The nanoseconds the printed duration stands for (the decimals cut away are lost).
    static func printed(_ ns: Int64) -> Int64 {
        let usecs = ns / 1000
        switch String(usecs).count {
        case ...4: return ns
        case 5: return usecs * 1000 + ns % 1000 / 10 * 10
        case 6: return usecs * 1000 + ns % 1000 / 100 * 100
        default: return usecs * 1000
        }
    }

    /// `print_graph_proc`: `comm-pid` centred in 14 columns (more room on the right).
    static func procField(_ label: String) -> String {
        let spaces = max(0, 14 - label.count)
        return String(repeating: " ", count: spaces / 2) + label + String(repeating: " ", count: spaces - spaces / 2)
    }

    static func indent(_ depth: Int) -> String { String(repeating: " ", count: depth * 2) }

    static func leftPad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    static func zeroPad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // MARK: - ground truth

    private func makeTruth(units: [[Unit]], position: [[Int]], firstVisible: [Int], visibleEnd: [Int],
                           cpuIDs: [Int]) -> Truth {
        func visible(_ cpu: Int, _ unit: Int) -> Bool { unit >= firstVisible[cpu] && unit < visibleEnd[cpu] }
        // The first visible banner of each CPU, and where it is.
        var firstBanner: [(position: Int, from: Int)?] = Array(repeating: nil, count: units.count)
        var bannersAt: [[(position: Int, to: Int)]] = Array(repeating: [], count: units.count)
        for (cpu, list) in units.enumerated() {
            var seenLine = false
            for (i, u) in list.enumerated() where visible(cpu, i) {
                if let b = u.banner, seenLine {
                    if firstBanner[cpu] == nil { firstBanner[cpu] = (position[cpu][i], b.from) }
                    bannersAt[cpu].append((position[cpu][i], b.to))
                }
                seenLine = true
            }
        }

        // Which calls show, and how.
        var made: [(call: Int, position: Int, flags: CallTree.Flags)] = []
        for (id, call) in calls.enumerated() {
            let entry = visible(call.cpu, call.entryUnit)
            let exit = visible(call.cpu, call.exitUnit)
            if call.isLeaf {
                if entry { made.append((id, position[call.cpu][call.entryUnit], [])) }
            } else if entry && exit {
                made.append((id, position[call.cpu][call.entryUnit], []))
            } else if entry {
                made.append((id, position[call.cpu][call.entryUnit], .unfinished))
            } else if exit {
                made.append((id, position[call.cpu][call.exitUnit], .startedBefore))
            }
        }
        made.sort { $0.position < $1.position }
        var index: [Int: Int] = [:]
        for (i, m) in made.enumerated() { index[m.call] = i }

        var truth = Truth()
        truth.children = Array(repeating: [], count: made.count)
        for m in made {
            let call = calls[m.call]
            var flags = m.flags
            if call.irq, visible(call.cpu, calls[call.handler].entryUnit) { flags.insert(.irq) }
            var task = "-"
            var orphanBeforeBanner = false
            if options.proc {
                task = tasks[call.task].label
            } else if let b = bannersAt[call.cpu].last(where: { $0.position <= m.position }) {
                task = tasks[b.to].label
            } else if let first = firstBanner[call.cpu] {
                task = tasks[first.from].label
                orphanBeforeBanner = m.flags.contains(.startedBefore)
            }
            let parent = call.parent >= 0 ? (index[call.parent] ?? -1) : -1
            let name = m.flags.contains(.startedBefore) && options.bareOrphans && !options.tail && options.retval == .none
                ? "(unknown)" : call.name
            truth.calls.append(Truth.Call(name: name, parent: parent, total: 0, selfTime: 0, flags: flags,
                                          cpu: cpuIDs[call.cpu], task: task,
                                          orphanBeforeFirstBanner: orphanBeforeBanner))
        }
        // Children, time order, totals bottom-up.
        var first = made.map(\.position)
        for (i, c) in truth.calls.enumerated() where c.parent >= 0 { truth.children[c.parent].append(i) }
        func settle(_ n: Int) {
            var sum: Int64 = 0
            for c in truth.children[n] {
                settle(c)
                sum += truth.calls[c].total
                first[n] = min(first[n], first[c])
            }
            let call = calls[made[n].call]
            let printed = options.duration ? Self.printed(call.total) : 0
            truth.calls[n].total = truth.calls[n].flags.contains(.unfinished) ? sum : printed
            truth.calls[n].selfTime = max(0, truth.calls[n].total - sum)
        }
        let roots = (0..<made.count).filter { truth.calls[$0].parent < 0 }
        for r in roots { settle(r) }
        for n in truth.children.indices { truth.children[n].sort { first[$0] < first[$1] } }
        truth.roots = roots.sorted { first[$0] < first[$1] }
        truth.firstLine = first
        for c in truth.calls {
            truth.functions[c.name, default: Truth.Totals()].calls += 1
            truth.functions[c.name]!.total += c.total
            truth.functions[c.name]!.selfTime += c.selfTime
        }
        return truth
    }
}

/// SplitMix64: small, fast, and the same on every platform.
struct FunctionGraphRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n`.
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}
