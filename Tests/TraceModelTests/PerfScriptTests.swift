import Foundation
import Testing
@testable import TraceModel

@Suite("perf script text")
struct PerfScriptTests {
    static let text = """
        # ========
        # captured on: Mon Jan  1 00:00:00 2024
        # ========
        #
        dd 29776/29777 [001] 666709.771979:   10101010 cpu-clock: 
        \t          414b3b fsnotify+0x1b (/lib/modules/vmlinux)
        \t          3d6b4c vfs_read (/lib/modules/vmlinux)
        \t           e5f70 read (/lib/libc.so)

        swapper     0 [000]  3857.362223:   10101010 cpu-clock: 
        \tffffffff8104f45a native_safe_halt ([kernel.kallsyms])

        """

    static func store(_ s: String) -> EventStore {
        EventStore(parsing: OwnedBytes(Array(s.utf8)))
    }

    @Test("A sample is one row with its callchain attached, innermost first")
    func sampleIsOneRowWithItsCallchain() {
        let store = Self.store(Self.text)
        #expect(store.count == 2)
        let row = store.row(0)
        #expect(store.taskNames[Int(row.task)] == "dd")
        #expect(store.taskPIDs[Int(row.task)] == 29777)
        #expect(store.taskTGIDs[Int(row.task)] == 29776)
        #expect(row.cpu == 1)
        #expect(row.timestamp == 666_709_771_979_000)
        #expect(store.eventNames[Int(row.event)] == "cpu-clock")
        #expect(store.stack(0) == ["fsnotify+0x1b (/lib/modules/vmlinux)", "vfs_read (/lib/modules/vmlinux)",
                                   "read (/lib/libc.so)"])
        #expect(store.stack(1) == ["native_safe_halt ([kernel.kallsyms])"])
        #expect(store.summary.stackBlocks == 2)
        #expect(store.summary.stackFrames == 4)
        #expect(store.summary.byCPU == [0: 1, 1: 1])
    }

    @Test("Headers without cpu, time or period, and frames printed unindented")
    func headerVariants() throws {
        let cases: [(String, String, Int32, Int64?, String)] = [
            ("java 19983 cycles:", "java", 19983, nil, "cycles"),
            ("simple-terminat     9/9     198791.127353: cpu-clock: ", "simple-terminat", 9, nil, "cpu-clock"),
            ("emulator  4152 75695.008892:         16 cycles:u: ", "emulator", 4152, 16, "cycles:u"),
            ("Web Content 3244 [002] 1.5: 7 sched:sched_switch: prev_comm=a", "Web Content", 3244, 7, "sched:sched_switch"),
        ]
        for (line, comm, pid, period, event) in cases {
            let bytes = Array(line.utf8)
            let h = try #require(bytes.withUnsafeBytes { PerfSampleHeader(bytes: $0) }, "\(line)")
            #expect(String(decoding: bytes[h.commStart..<h.commEnd], as: UTF8.self) == comm)
            #expect(h.pid == pid)
            #expect(h.period == period)
            #expect(String(decoding: bytes[h.eventStart..<h.eventEnd], as: UTF8.self) == event)
        }
        let unindented = Self.store("java 19983 cycles:\nffffffff8103d0ca native_write_msr_safe ([kernel.kallsyms])\n")
        #expect(unindented.count == 1)
        #expect(unindented.stack(0) == ["native_write_msr_safe ([kernel.kallsyms])"])
    }

    @Test("Detection: perf script samples yes, every ftrace text sample no")
    func detectsPerfScriptByContent() throws {
        let root = try SampleFiles.requireRoot()
        for dir in ["perf-script"] + SampleFiles.textDirectories {
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + dir) {
                let bytes = try SampleFiles.bytes(of: dir + "/" + name)
                let detected = bytes.withUnsafeBytes { looksLikePerfScript($0) }
                #expect(detected == (dir == "perf-script"), "\(dir)/\(name)")
            }
        }
    }

    @Test("Frame text splits into symbol and shared object, offsets dropped")
    func symbolSplit() {
        #expect(SymbolText.split("fsnotify+0x1b (/lib/modules/vmlinux)", defaultDso: "?") == ("fsnotify", "/lib/modules/vmlinux"))
        #expect(SymbolText.split("foo(int) (/lib/x.so)", defaultDso: "?") == ("foo(int)", "/lib/x.so"))
        #expect(SymbolText.split("do_sys_open+0x1a/0x2b", defaultDso: "[kernel.kallsyms]") == ("do_sys_open", "[kernel.kallsyms]"))
        #expect(SymbolText.split("[unknown] (/bin/dd)", defaultDso: "?") == ("[dd]", "/bin/dd"))
    }
}

@Suite("Folded stacks")
struct FoldedStacksTests {
    @Test("perf samples fold like stackcollapse-perf, line by line")
    func perfSamplesFoldLineByLine() throws {
        let bytes = try SampleFiles.bytes(of: "perf-script/flamegraph-test-perf-dd-stacks-01.txt")
        let source = HotspotSource(store: EventStore(parsing: OwnedBytes(bytes)))
        let ours = try #require(source.folded()).split(separator: "\n").map(String.init).sorted()
        // The reference was made with `--kernel` (`_[k]` marks) and, as stackcollapse-perf.pl does, drops
        // the last sample because the file does not end with a blank line: both undone here.
        var theirs = try String(decoding: SampleFiles.bytes(
            of: "folded/flamegraph-test-results-perf-dd-stacks-01-collapsed-kernel.txt"), as: UTF8.self)
            .split(separator: "\n").map { $0.replacingOccurrences(of: "_[k]", with: "") }
        theirs.append("dd;[unknown];system_call 10101010")
        #expect(ours == theirs.sorted())
    }

    @Test("function_graph folds to self µs per call path")
    func functionGraphFoldsSelfMicroseconds() {
        let text = """
             0)               |  a() {
             0)   2.000 us    |    b();
             0)               |    c() {
             0)   1.400 us    |      b();
             0)   5.000 us    |    }
             0) + 10.000 us   |  }
             0)   0.400 us    |  d();

            """
        let store = EventStore(parsing: OwnedBytes(Array(text.utf8)))
        let source = HotspotSource(store: store)
        #expect(source.kind == .durations)
        #expect(source.folded() == "a 3\na;b 2\na;c 4\na;c;b 1\n")
    }

    @Test("Folded text parses to samples, root first; invalid lines counted")
    func parsesFoldedText() {
        let text = "# comment\na;b;c 3\r\na;b 2\nnot a stack\n\n"
        let parsed = Array(text.utf8).withUnsafeBytes { FoldedStacks.parse($0) }
        #expect(parsed.samples.count == 2)
        #expect(parsed.invalidLines == 1)
        #expect(parsed.totalWeight == 5)
        #expect(parsed.samples.frames(of: 0).map { parsed.samples.functionName(ofLocation: $0) } == ["c", "b", "a"])
        #expect(FoldedStacks.text(samples: parsed.samples) == "a;b 2\na;b;c 3\n")
    }
}

@Suite("Event counts and durations")
struct HotspotKindsTests {
    // 15 599 find and 8 073 feas: counted independently with grep/sed/uniq over the task column.
    @Test("Plain events count by event and by command; a thread zoom keeps one command")
    func eventCountsByKey() throws {
        let bytes = try SampleFiles.bytes(of: "events/tracetui-vm-6.18-default-5char-syscalls.txt")
        let source = HotspotSource(store: EventStore(parsing: OwnedBytes(bytes)))
        #expect(source.kind == .events)
        let byComm = source.table(keys: [.comm])
        #expect(byComm.total == 26_222)
        #expect(byComm.order.prefix(2).map { byComm.label(.comm, of: Int($0)) } == ["find", "feas"])
        #expect(byComm.order.prefix(2).map { byComm.countValue[Int($0)] } == [15_599, 8_073])
        let zoomed = source.table(keys: [.event], filter: HotspotFilter(comm: "feas"))
        #expect(zoomed.order.reduce(0) { $0 + zoomed.countValue[Int($1)] } == 8_073)
    }
}
