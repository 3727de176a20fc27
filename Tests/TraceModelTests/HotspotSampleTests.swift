import Foundation
import Testing
@testable import TraceModel

// Expected hotspots derived WITHOUT the project's code by `python3 Tests/derive-hotspots.py --swift`
// (its docstring states the rules). Written here, not computed, so a change in the parser or the
// aggregation that moves a number fails.

struct E: Sendable, Equatable, CustomStringConvertible {
    var comm: String, dso: String, symbol: String
    var samples: Int64, selfWeight: Int64, childrenWeight: Int64
    init(_ comm: String, _ dso: String, _ symbol: String, _ samples: Int64, _ selfWeight: Int64, _ childrenWeight: Int64) {
        self.comm = comm; self.dso = dso; self.symbol = symbol
        self.samples = samples; self.selfWeight = selfWeight; self.childrenWeight = childrenWeight
    }
    var description: String { "\(comm) \(dso) \(symbol) samples=\(samples) self=\(selfWeight) children=\(childrenWeight)" }
}

struct HotspotExpectation: Sendable, CustomTestStringConvertible {
    var path: String
    var samples: Int
    var total: Int64
    var children: [E]
    var selfOnly: [E]
    var testDescription: String { path }
}

struct D: Sendable, Equatable {
    var name: String, calls: Int64, total: Int64, selfTime: Int64, max: Int64, min: Int64
    init(_ name: String, calls: Int64, total: Int64, selfTime: Int64, max: Int64, min: Int64) {
        self.name = name; self.calls = calls; self.total = total; self.selfTime = selfTime; self.max = max; self.min = min
    }
}

struct F: Sendable, CustomTestStringConvertible {
    var path: String, lines: Int, total: Int64, invalid: Int
    init(_ path: String, lines: Int, total: Int64, invalid: Int) {
        self.path = path; self.lines = lines; self.total = total; self.invalid = invalid
    }
    var testDescription: String { path }
}

let hotspotTable: [HotspotExpectation] = [
    HotspotExpectation(path: "perf-script/flamegraph-test-perf-dd-stacks-01.txt", samples: 11, total: 111111110,
        children: [E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "system_call", 1, 10101010, 90909090), E("dd", "[unknown]", "[unknown]", 0, 0, 90909090), E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "sys_write", 1, 10101010, 60606060), E("dd", "/lib/x86_64-linux-gnu/libc-2.15.so", "write", 0, 0, 60606060), E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "fsnotify", 1, 10101010, 40404040)],
        selfOnly: [E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "__srcu_read_unlock", 3, 30303030, 30303030), E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "fsnotify", 1, 10101010, 10101010), E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "rw_verify_area", 1, 10101010, 10101010), E("dd", "/lib/x86_64-linux-gnu/libc-2.15.so", "read", 1, 10101010, 10101010), E("dd", "/lib/modules/4.1.0-virtual/build/vmlinux", "sys_write", 1, 10101010, 10101010)]),
    HotspotExpectation(path: "perf-script/flamegraph-test-perf-iperf-stacks-pidtid-01.txt", samples: 201, total: 201,
        children: [E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "entry_SYSCALL_64_fastpath", 0, 0, 186), E("iperf", "[unknown]", "[unknown]", 0, 0, 165), E("iperf", "/lib/x86_64-linux-gnu/libpthread-2.19.so", "[libpthread-2.19.so]", 0, 0, 104), E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "inet_sendmsg", 0, 0, 100), E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "sock_sendmsg", 0, 0, 100)],
        selfOnly: [E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "xen_hypercall_xen_version", 66, 66, 66), E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "copy_user_enhanced_fast_string", 44, 44, 44), E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "_raw_spin_lock_irqsave", 3, 3, 3), E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "__alloc_skb", 3, 3, 3), E("iperf", "/lib/modules/4.3.0-rc1-virtual/build/vmlinux", "tcp_v4_rcv", 3, 3, 3)]),
    HotspotExpectation(path: "perf-script/flamegraph-test-perf-java-stacks-02.txt", samples: 2, total: 2,
        children: [E("java", "[kernel.kallsyms]", "native_write_msr_safe", 2, 2, 2), E("java", "[kernel.kallsyms]", "intel_pmu_enable_all", 0, 0, 2), E("java", "[kernel.kallsyms]", "intel_pmu_nhm_enable_all", 0, 0, 2), E("java", "[kernel.kallsyms]", "x86_pmu_enable", 0, 0, 2), E("java", "[kernel.kallsyms]", "perf_pmu_enable", 0, 0, 2)],
        selfOnly: [E("java", "[kernel.kallsyms]", "native_write_msr_safe", 2, 2, 2)]),
    HotspotExpectation(path: "perf-script/flamegraph-test-perf-rust-Yamakaky-dcpu.txt", samples: 58, total: 6850637,
        children: [E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "simplelog::termlog::TermLogger::init::ha7463b1622ff979e", 0, 0, 5993240), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "emulator::main::hc2aaa9b4591a10c7", 0, 0, 5993240), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "__rust_maybe_catch_panic", 0, 0, 5993240), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "term::terminfo::TermInfo::from_name::h721edfed0d4e6840", 0, 0, 5922099), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "term::terminfo::TermInfo::from_env::h7aa5bbfa652bcb0d", 0, 0, 5922099)],
        selfOnly: [E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "core::cmp::impls::_$LT$impl$u20$core..cmp..PartialOrd$u20$for$u20$usize$GT$::lt::hf4d08bdc2d45569c", 4, 596862, 596862), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "core::iter::range::_$LT$impl$u20$core..iter..iterator..Iterator$u20$for$u20$core..ops..Range$LT$A$GT$$GT$::next::hd0b7b2668add6c40", 3, 559435, 559435), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "_$LT$u8$u20$as$u20$core..clone..Clone$GT$::clone::h7bfab8630dda96cf", 4, 499145, 499145), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "_$LT$collections..vec..Vec$LT$T$GT$$u20$as$u20$core..ops..DerefMut$GT$::deref_mut::h1489b09ee24485ec", 2, 357097, 357097), E("emulator", "/home/yamakaky/dev/rust/dcpu/target/debug/emulator", "core::ptr::write::haabbb39ab969e5ac", 2, 254732, 254732)]),
    HotspotExpectation(path: "perf-script/speedscope-linux-perf-simple-with-header.txt", samples: 136, total: 136136136,
        children: [E("simple-terminat", "/workdir/simple-terminates", "main", 0, 0, 136136136), E("simple-terminat", "/lib/x86_64-linux-gnu/libc-2.27.so", "__libc_start_main", 0, 0, 136136136), E("simple-terminat", "[unknown]", "[unknown]", 0, 0, 136136136), E("simple-terminat", "/workdir/simple-terminates", "_Z5deltav", 23, 23023023, 69069069), E("simple-terminat", "/workdir/simple-terminates", "_Z4betav", 47, 47047047, 47047047)],
        selfOnly: [E("simple-terminat", "/workdir/simple-terminates", "_Z4betav", 47, 47047047, 47047047), E("simple-terminat", "/workdir/simple-terminates", "_Z5alphav", 44, 44044044, 44044044), E("simple-terminat", "/workdir/simple-terminates", "_Z5deltav", 23, 23023023, 23023023), E("simple-terminat", "/workdir/simple-terminates", "_Z5gammav", 22, 22022022, 22022022)]),
    HotspotExpectation(path: "perf-script/speedscope-linux-perf-system-wide.txt", samples: 556, total: 556556556,
        children: [E("swapper", "[kernel.kallsyms]", "[unknown]", 416, 416416416, 416416416), E("simple-terminat", "/workdir/simple-terminates", "main", 0, 0, 138138138), E("simple-terminat", "/lib/x86_64-linux-gnu/libc-2.27.so", "__libc_start_main", 0, 0, 138138138), E("simple-terminat", "[unknown]", "[unknown]", 0, 0, 138138138), E("simple-terminat", "/workdir/simple-terminates", "_Z5deltav", 23, 23023023, 72072072)],
        selfOnly: [E("swapper", "[kernel.kallsyms]", "[unknown]", 416, 416416416, 416416416), E("simple-terminat", "/workdir/simple-terminates", "_Z4betav", 53, 53053053, 53053053), E("simple-terminat", "/workdir/simple-terminates", "_Z5alphav", 41, 41041041, 41041041), E("simple-terminat", "/workdir/simple-terminates", "_Z5deltav", 23, 23023023, 23023023), E("simple-terminat", "/workdir/simple-terminates", "_Z5gammav", 20, 20020020, 20020020)]),
    HotspotExpectation(path: "perf-script/flamegraph-test-perf-js-stacks-01.txt", samples: 2, total: 2,
        children: [E("node-v011", "/tmp/node-v011", "v8::internal::Execution::Call(v8::internal::Isolate*, v8::internal::Handle<v8::internal::Object>, v8::internal::Handle<v8::internal::Object>, int, v8::internal::Handle<v8::internal::Object>*, bool)", 0, 0, 2), E("node-v011", "/tmp/perf-31912.map", "LazyCompile:*Async$consumeFunctionBuffer /apps/node/webapp/node_modules/xxxxx/js/main/async.js:39", 0, 0, 2), E("node-v011", "/tmp/perf-31912.map", "LazyCompile:_tickDomainCallback node.js:387", 0, 0, 2), E("node-v011", "/tmp/perf-31912.map", "Builtin:A builtin from the snapshot", 0, 0, 2), E("node-v011", "/tmp/perf-31912.map", "Stub:JSEntryStub", 0, 0, 2)],
        selfOnly: [E("node-v011", "/tmp/perf-7539.map", "RegExp:[&<>\\\"\\']", 1, 1, 1), E("node-v011", "/tmp/perf-31912.map", "RegExp:\\bFoo ?Bar(?:/[\\d.]+|[ \\w.]*)", 1, 1, 1)]),
    HotspotExpectation(path: "perf-script/flamegraph-example-perf-stacks-TRUNCATED.txt", samples: 822, total: 822,
        children: [E("java", "/usr/lib/jvm/jdk1.8.0_60/jre/lib/amd64/server/libjvm.so", "java_start(Thread*)", 0, 0, 623), E("java", "/lib/x86_64-linux-gnu/libpthread-2.19.so", "start_thread", 0, 0, 623), E("java", "/tmp/perf-339.map", "Interpreter", 0, 0, 608), E("java", "/tmp/perf-339.map", "call_stub", 0, 0, 608), E("java", "/usr/lib/jvm/jdk1.8.0_60/jre/lib/amd64/server/libjvm.so", "JavaCalls::call_helper(JavaValue*, methodHandle*, JavaCallArguments*, Thread*)", 0, 0, 608)],
        selfOnly: [E("java", "/tmp/perf-339.map", "Lorg/mozilla/javascript/ScriptableObject;.createSlot", 68, 68, 68), E("java", "/tmp/perf-339.map", "Lorg/mozilla/javascript/ScriptableObject;.getSlot", 37, 37, 37), E("java", "/tmp/perf-339.map", "Lorg/mozilla/javascript/IdScriptableObject;.has", 27, 27, 27), E("java", "/tmp/perf-339.map", "Lorg/mozilla/javascript/gen/file__root_vert_x_2_1_5_sys_mods_io_vertx_lang_js_1_1_0_vertx_http_js_2", 18, 18, 18), E("java", "/tmp/perf-339.map", "Lorg/mozilla/javascript/ScriptableObject$Slot;.setAttributes", 17, 17, 17)]),
    HotspotExpectation(path: "perf-script/traceshark-4cpu-ramload-tracepoints-callchains-TRUNCATED.txt", samples: 1231, total: 1231,
        children: [E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "do_idle", 1, 1, 788), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "cpu_startup_entry", 0, 0, 788), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "[vmlinux-4.19.9-viktor+]", 0, 0, 788), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "cpuidle_enter", 0, 0, 688), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "call_cpuidle", 0, 0, 688)],
        selfOnly: [E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "cpuidle_enter_state", 488, 488, 488), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "__schedule", 72, 72, 72), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "try_to_wake_up", 29, 29, 29), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "ttwu_do_wakeup.isra.92", 29, 29, 29), E("swapper", "/usr/lib/debug/boot/vmlinux-4.19.9-viktor+", "intel_idle", 23, 23, 23)]),
    HotspotExpectation(path: "events/perf-tools-kprobe-stacktrace.txt", samples: 3, total: 3,
        children: [E("sshd", "[kernel.kallsyms]", "tcp_write_xmit", 3, 3, 3), E("sshd", "[kernel.kallsyms]", "__tcp_push_pending_frames", 0, 0, 3), E("sshd", "[kernel.kallsyms]", "tcp_push", 0, 0, 3), E("sshd", "[kernel.kallsyms]", "tcp_sendmsg", 0, 0, 3), E("sshd", "[kernel.kallsyms]", "inet_sendmsg", 0, 0, 3)],
        selfOnly: [E("sshd", "[kernel.kallsyms]", "tcp_write_xmit", 3, 3, 3)]),
    HotspotExpectation(path: "events/perf-tools-tpoint-block_rq_issue-stacktrace.txt", samples: 3, total: 3,
        children: [E("cksum", "[kernel.kallsyms]", "blk_peek_request", 2, 2, 2), E("cksum", "[kernel.kallsyms]", "do_blkif_request", 0, 0, 2), E("cksum", "[kernel.kallsyms]", "__blk_run_queue", 0, 0, 2), E("cksum", "[kernel.kallsyms]", "queue_unplugged", 0, 0, 2), E("cksum", "[kernel.kallsyms]", "blk_flush_plug_list", 0, 0, 2)],
        selfOnly: [E("cksum", "[kernel.kallsyms]", "blk_peek_request", 2, 2, 2), E("supervise", "[kernel.kallsyms]", "blk_peek_request", 1, 1, 1)]),
]

let durationTable: [String: [D]] = [
    "function_graph/perf-tools-funcgraph-do_sys_open-depth3.txt": [
        D("do_sys_open", calls: 1, total: 10777, selfTime: 2587, max: 10777, min: 10777),
        D("do_filp_open", calls: 1, total: 4617, selfTime: 451, max: 4617, min: 4617),
        D("path_openat", calls: 1, total: 4166, selfTime: 4166, max: 4166, min: 4166),
        D("__fsnotify_parent", calls: 1, total: 883, selfTime: 737, max: 883, min: 883),
        D("get_unused_fd_flags", calls: 1, total: 827, selfTime: 430, max: 827, min: 827),
    ],
    "function_graph/perf-tools-funcgraph-maxdepth3-long-durations.txt": [
        D("do_nanosleep", calls: 1, total: 1000154000, selfTime: 2382, max: 1000154000, min: 1000154000),
        D("schedule", calls: 1, total: 1000149000, selfTime: 6994, max: 1000149000, min: 1000149000),
        D("__schedule", calls: 1, total: 1000131000, selfTime: 1000131000, max: 1000131000, min: 1000131000),
        D("xen_evtchn_do_upcall", calls: 1, total: 11006, selfTime: 11006, max: 11006, min: 11006),
        D("hrtimer_start_range_ns", calls: 1, total: 1919, selfTime: 804, max: 1919, min: 1919),
    ],
]

let foldedTable: [F] = [
    F("folded/flamegraph-test-results-perf-cycles-instructions-01-collapsed-addrs.txt", lines: 7, total: 333, invalid: 0),
    F("folded/flamegraph-test-results-perf-dd-stacks-01-collapsed-kernel.txt", lines: 9, total: 101010100, invalid: 0),
    F("folded/flamegraph-test-results-perf-iperf-stacks-pidtid-01-collapsed-tid.txt", lines: 134, total: 200, invalid: 0),
    F("folded/flamegraph-test-results-perf-java-stacks-01-collapsed-pid.txt", lines: 33, total: 45, invalid: 0),
    F("folded/flamegraph-test-results-perf-rust-Yamakaky-dcpu-collapsed-jit.txt", lines: 45, total: 6850637, invalid: 0),
    F("folded/flamegraph-test-results-perf-vertx-stacks-01-collapsed-all.txt", lines: 199, total: 285, invalid: 0),
    F("folded/speedscope-stackcollapse-alternating.txt", lines: 182, total: 182, invalid: 0),
    F("folded/speedscope-stackcollapse-recursion.txt", lines: 10, total: 10, invalid: 0),
    F("folded/speedscope-stackcollapse-simple-crlf.txt", lines: 5, total: 14, invalid: 0),
    F("folded/speedscope-stackcollapse-simple-utf16-be.txt", lines: 5, total: 14, invalid: 0),
    F("folded/speedscope-stackcollapse-simple-utf16-le.txt", lines: 5, total: 14, invalid: 0),
    F("folded/speedscope-stackcollapse-simple-with-invalids.txt", lines: 5, total: 14, invalid: 1),
    F("folded/speedscope-stackcollapse-simple.txt", lines: 5, total: 14, invalid: 0),
    F("folded/speedscope-stackcollapse-tall.txt", lines: 1, total: 1, invalid: 0),
]

@Suite("Hotspots on the samples")
struct HotspotSampleTests {
    static func source(_ path: String) throws -> HotspotSource {
        let storage = OwnedBytes(try SampleFiles.bytes(of: path))
        return HotspotSource(store: EventStore(parsing: storage))
    }

    static func entries(_ t: HotspotTable, _ n: Int) -> [E] {
        t.order.prefix(n).map { e in
            let i = Int(e)
            return E(t.label(.comm, of: i), t.label(.dso, of: i, full: true), t.label(.symbol, of: i),
                     t.countValue[i], t.selfValue[i], t.childrenValue[i])
        }
    }

    @Test("perf report's entries match the independent derivation", arguments: hotspotTable)
    func entriesMatch(_ x: HotspotExpectation) throws {
        let source = try Self.source(x.path)
        #expect(source.kind == .samples)
        let table = source.table()
        #expect(table.totalCount == x.samples)
        #expect(table.total == x.total)
        #expect(Self.entries(table, x.children.count) == x.children)
        let selfOnly = source.table(children: false)
        let got = Self.entries(selfOnly, x.selfOnly.count).map { E($0.comm, $0.dso, $0.symbol, $0.samples, $0.selfWeight, 0) }
        #expect(got == x.selfOnly.map { E($0.comm, $0.dso, $0.symbol, $0.samples, $0.selfWeight, 0) })
    }

    @Test("function_graph durations per function match the derivation", arguments: Array(durationTable.keys))
    func durationsMatch(_ path: String) throws {
        let source = try Self.source(path)
        #expect(source.kind == .durations)
        let table = source.table()
        let expected = try #require(durationTable[path])
        let got: [D] = table.order.prefix(expected.count).map { e in
            let i = Int(e)
            return D(table.label(.symbol, of: i), calls: table.countValue[i], total: table.childrenValue[i],
                     selfTime: table.selfValue[i], max: table.maxValue[i], min: table.minValue[i])
        }
        #expect(got == expected)
    }

    @Test("folded samples parse back to the same totals", arguments: foldedTable)
    func foldedTotals(_ x: F) throws {
        let bytes = try SampleFiles.bytes(of: x.path)
        let parsed = bytes.withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(parsed.samples.count == x.lines)
        #expect(parsed.totalWeight == x.total)
        #expect(parsed.invalidLines == x.invalid)
        // Written again and parsed again: the same stacks and weights.
        let again = Array(FoldedStacks.text(samples: parsed.samples).utf8)
        let reparsed = again.withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(reparsed.totalWeight == x.total)
        #expect(reparsed.invalidLines == 0)
    }
}
