import Foundation
import Testing

extension EndToEnd {
    /// `sudo tracetui --bpf OBJ` with real programs: its maps' entries live in the pane (checked against
    /// `bpftool map dump -j`), log2 buckets drawn as a histogram, printk lines named by program, uprobe and
    /// perf_event sections attached, and refusals (verifier, bad object, kprobe) in a panel with nothing attached.
    @Suite("BPF object maps and sections", .serialized,
           .enabled(if: Tmux.isAvailable && LiveTracing.isAvailable && BpfTools.unavailableReason == nil,
                    "needs tmux, tracefs and BPF (root, clang, libbpf, bpftool)"))
    struct BpfObjectMaps {
        static func loaded(_ name: String) throws -> Int {
            try BpfTools.programs().values.filter { $0["name"] as? String == name }.count
        }

        /// tracetui's reading of map `id` (`tracetui bpf --map ID --format json`): key → value, and the histogram.
        static func tracetuiMap(_ id: Int) throws -> (entries: [UInt64: UInt64], histogram: [[String: Any]]?) {
            let r = try CommandResult.run(try Fixture.binary(), ["bpf", "--map", String(id), "--format", "json"])
            guard r.status == 0 else { throw E2EError("tracetui bpf --map: \(r.stderr)") }
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            var out: [UInt64: UInt64] = [:]
            for e in json?["entries"] as? [[String: Any]] ?? [] {
                if let k = (e["key"] as? NSNumber)?.uint64Value, let v = (e["value"] as? NSNumber)?.uint64Value { out[k] = v }
            }
            return (out, json?["histogram"] as? [[String: Any]])
        }

        @Test func mapsHistogramsPrintkNamesAndUprobes() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let helper = try BpfTools.callsHelper(into: dir)
            let object = try BpfTools.compile("hist", into: dir, defines: ["TT_BIN=\"\(helper)\""])
            let session = try TmuxSession(width: 160, height: 60)
            defer { session.close() }
            _ = try session.launchUnderSh("--bpf", object, "-e", "sched:sched_process_exec", "--output", dir + "/out.txt",
                                          in: dir)
            try await session.waitFor("● live")
            // When the helper opens /dev/null with chosen modes (log2 slots 0, 2, 6, 9) and calls tt_work 9 times
            let modes = ["1"] + Array(repeating: "5", count: 3) + Array(repeating: "100", count: 7) + ["1000", "1000"]
            let ran = try CommandResult.run(helper, modes + ["-c", "9"])
            #expect(ran.status == 0)
            let histID = try #require(try BpfTools.mapID(named: "tt_hist"))
            let callsID = try #require(try BpfTools.mapID(named: "tt_calls"))
            // Then tracetui reads the same keys and values as bpftool map dump
            let dumped = try BpfTools.dump(map: histID)
            let mine = try Self.tracetuiMap(histID)
            #expect(dumped.count == 64 && mine.entries.count == 64)
            for (k, v) in dumped { #expect(mine.entries[k] == v, "slot \(k): bpftool \(v), tracetui \(mine.entries[k] ?? 0)") }
            // and the counts are the helper's (slot 0 also holds the dynamic loader's openats, mode 0)
            #expect(mine.entries[2] == 3 && mine.entries[6] == 7 && mine.entries[9] == 2, "\(mine.entries)")
            #expect((mine.entries[0] ?? 0) >= 1)
            // and it is seen as log2 buckets up to the last that is not empty
            let buckets = try #require(mine.histogram)
            #expect(buckets.count == 10)
            #expect((buckets[6]["low"] as? NSNumber)?.intValue == 64 && (buckets[6]["high"] as? NSNumber)?.intValue == 127)
            // and the uprobe counted every call, as bpftool sees it
            #expect(try BpfTools.dump(map: callsID).first?.value == 9)
            #expect(try Self.tracetuiMap(callsID).entries[0] == 9)
            // and the pane draws the histogram the bcc way, refreshed live
            try session.send("8")
            let pane = try await session.waitFor("64 -> 127        : 7        |****************************************|")
            let text = pane.lines.joined(separator: "\n")
            #expect(text.contains("map \(histID) tt_hist (array): log2 histogram"), "\(text)")
            #expect(text.contains("     value               : count     distribution"), "\(text)")
            #expect(text.contains("       512 -> 1023       : 2        |***********                             |"), "\(text)")
            #expect(text.contains("map \(callsID) tt_calls (array): 1 entries"), "\(text)")
            try session.send("q")
            let outcome = try await session.shOutcome()
            #expect(outcome.status == 0)
            #expect(try Self.loaded("tt_hist_openat") == 0 && Self.loaded("tt_work_calls") == 0)
            // and the printk lines carry the program that printed them (from the formats in the object)
            let saved = try String(contentsOfFile: dir + "/out.txt", encoding: .utf8)
            let lines = saved.split(separator: "\n").filter { $0.contains("bpf_trace_printk:") }
            #expect(lines.filter { $0.hasSuffix("bpf_trace_printk: [prog tt_hist_openat] tt_hist mode 100 slot 6") }.count == 7,
                    "\(lines.prefix(20))")
            #expect(lines.filter { $0.hasSuffix("bpf_trace_printk: [prog tt_work_calls] tt_work called") }.count == 9)
            // Only this object's messages: the top-level buffer is shared, and lines other programs printed
            // before the test (left unread there) are rightly not named after this object's programs.
            #expect(!lines.contains { !$0.contains("[prog ") && ($0.contains("tt_hist") || $0.contains("tt_work")) },
                    "\(lines.prefix(20))")
        }

        @Test("perf_event sections run on a cpu-clock event and are gone after q, SIGTERM, SIGHUP",
              arguments: ["q", "TERM", "HUP"])
        func perfEventSections(how: String) async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let object = try BpfTools.compile("perf", into: dir)
            let statsBefore = try String(contentsOfFile: "/proc/sys/kernel/bpf_stats_enabled", encoding: .utf8)
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            let pidFile = try session.launchUnderSh("--bpf", object, "--bpf-stats", "-e", "sched:sched_process_exec", in: dir)
            try await session.waitFor("● live")
            let pid = try await session.pid(from: pidFile)
            func runs() throws -> Int {
                let p = try BpfTools.programs().values.first { $0["name"] as? String == "tt_tick" }
                return (p?["run_cnt"] as? NSNumber)?.intValue ?? -1
            }
            let first = try runs()
            try await Task.sleep(for: .milliseconds(1500))
            let second = try runs()
            // 99 Hz a CPU: at least a hundred more runs in 1.5 s
            #expect(first >= 0 && second - first >= 100, "\(first) → \(second)")
            let ticks = try #require(try BpfTools.mapID(named: "tt_ticks"))
            #expect((try Self.tracetuiMap(ticks).entries[0] ?? 0) > 0)
            switch how {
            case "q": try session.send("q")
            default: #expect(kill(pid, how == "TERM" ? SIGTERM : SIGHUP) == 0)
            }
            let outcome = try await session.shOutcome()
            #expect(outcome.status == (how == "q" ? 0 : 128 + Int(how == "TERM" ? SIGTERM : SIGHUP)))
            #expect(try Self.loaded("tt_tick") == 0)
            #expect(try String(contentsOfFile: "/proc/sys/kernel/bpf_stats_enabled", encoding: .utf8) == statsBefore)
        }

        /// Opens the viewer on `object`, checks the panel and that nothing named `programs` is loaded while it is
        /// open, then quits: exit status 1, the reason on stderr.
        func refused(_ object: String, in dir: String, says: [String], programs: [String]) async throws {
            let session = try TmuxSession(width: 200, height: 50)
            defer { session.close() }
            _ = try session.launchUnderSh("--bpf", object, "-e", "sched:sched_process_exec", in: dir)
            let panel = try await session.waitFor("BPF object not loaded")
            let text = panel.lines.joined(separator: "\n")
            for s in says { #expect(text.contains(s), "\(text)") }
            for p in programs { #expect(try Self.loaded(p) == 0, "\(p) is loaded") }
            try session.send("Escape")
            try await session.waitFor("● live")
            try session.send("q")
            let outcome = try await session.shOutcome()
            #expect(outcome.status == 1)
        }

        @Test func oneGoodAndOneRefusedProgramLeaveNothingLoaded() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await refused(try BpfTools.compile("half", into: dir), in: dir,
                              says: ["the kernel refused to load it", "R0 invalid mem access 'map_value_or_null'"],
                              programs: ["tt_half_good", "tt_half_bad"])
        }

        @Test func aFileThatIsNoBpfObjectIsSaidSo() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/not.bpf.o"
            try "not an ELF file\n".write(toFile: path, atomically: true, encoding: .utf8)
            try await refused(path, in: dir, says: ["not a BPF object libbpf can open"], programs: [])
        }

        @Test func aKprobeSectionFailsCleanlyWithoutKprobes() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            if access("/sys/bus/event_source/devices/kprobe", F_OK) == 0 {
                print("kprobe test skipped: this kernel has a kprobe PMU, so the kprobe section would attach")
                return
            }
            // The tracepoint program attaches first, then the kprobe fails: the first must be detached again.
            try await refused(try BpfTools.compile("kprobe", into: dir), in: dir,
                              says: ["cannot attach tt_kp_probe (section kprobe/do_sys_openat2)",
                                     "this kernel has no kprobes for BPF",
                                     "nothing of the object is attached"],
                              programs: ["tt_kp_first", "tt_kp_probe"])
        }
    }
}
