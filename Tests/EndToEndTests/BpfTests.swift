import Foundation
import Testing

extension EndToEnd {
    /// `tracetui bpf` against `bpftool prog show -j`, on programs the test compiles and loads itself.
    @Suite("BPF", .enabled(if: BpfTools.unavailableReason == nil))
    struct Bpf {
        init() {
            if let reason = BpfTools.unavailableReason { print("BPF tests skipped: \(reason)") }
        }

        @Test func listsTheSameProgramsAndRunCountsAsBpftool() async throws {
            // Given a tracepoint program on openat, loaded with run statistics on, counting this process's openats
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let object = try BpfTools.compile("openat", into: dir)
            let worker = OpenWorker()
            let loader = try await BpfLoaderProcess(loader: try BpfTools.loader(into: dir), object: object,
                                                    targetPid: worker.tid, dir: dir)
            let id = try #require(loader.programIDs.first)
            let before = try #require(try BpfTools.programs()[id])
            // When a thread of this process opens a file a known number of times
            let opens = 25
            worker.open(times: opens)
            // and tracetui bpf --format json is read between two bpftool listings
            let first = try #require(try BpfTools.programs()[id])
            let listed = try CommandResult.run(try Fixture.binary(), ["bpf", "--format", "json"])
            let second = try #require(try BpfTools.programs()[id])
            #expect(listed.status == 0, "\(listed.stderr)")
            let object_ = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
            let programs = try #require(object_?["programs"] as? [[String: Any]], "\(listed.stdout)")
            let mine = try #require(programs.first { ($0["id"] as? NSNumber)?.intValue == id })
            // Then id, name, type and tag are bpftool's
            #expect(mine["name"] as? String == first["name"] as? String)
            #expect(mine["type"] as? String == first["type"] as? String)
            #expect(mine["tag"] as? String == first["tag"] as? String)
            #expect(Set(mine.keys) == ["id", "type", "name", "tag", "attach", "loaded_by", "run_cnt", "run_time_ns"])
            // and its run count lies between the two bpftool listings (other processes open files too)
            func count(_ p: [String: Any], _ key: String) -> Int { (p[key] as? NSNumber)?.intValue ?? -1 }
            let runs = count(mine, "run_cnt")
            #expect(count(first, "run_cnt") <= runs && runs <= count(second, "run_cnt"), "\(first) \(mine) \(second)")
            #expect(count(first, "run_cnt") - count(before, "run_cnt") >= opens)
            #expect(count(mine, "run_time_ns") > 0)
            // and it is attached to the openat tracepoint, loaded by the loader
            #expect((mine["attach"] as? [String])?.contains { $0.hasSuffix("sys_enter_openat") } == true, "\(mine)")
            let by = mine["loaded_by"] as? [String: Any]
            #expect((by?["pid"] as? NSNumber)?.int32Value == loader.pid, "\(mine)")
            #expect(by?["comm"] as? String == "loader")
            // and its maps are listed with bpftool's sizes
            let maps = try #require(object_?["maps"] as? [[String: Any]])
            let counter = try #require(maps.first { $0["name"] as? String == "tt_count" }, "\(maps)")
            #expect(count(counter, "key_size") == 4 && count(counter, "value_size") == 8 && count(counter, "max_entries") == 2)
            #expect(counter["type"] as? String == "array" && count(counter, "memory_bytes") > 0)
            // and the program counted exactly the thread's openats
            #expect(loader.finish() == opens)
            // and once unloaded it is gone from the listing
            let after = try CommandResult.run(try Fixture.binary(), ["bpf", "--format", "json"])
            #expect(!after.stdout.contains("\"id\":\(id),"))
        }

        @Test func tableListsProgramsAndMaps() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let loader = try await BpfLoaderProcess(loader: try BpfTools.loader(into: dir),
                                              object: try BpfTools.compile("openat", into: dir), targetPid: getpid(), dir: dir)
            defer { _ = loader.finish() }
            let table = try CommandResult.run(try Fixture.binary(), ["bpf"])
            #expect(table.status == 0)
            let row = table.stdout.split(separator: "\n").first { $0.contains("tt_openat") }
            #expect(row?.contains("tracepoint sys_enter_openat") == true && row?.contains("\(loader.pid) loader") == true,
                    "\(table.stdout)")
            #expect(table.stdout.contains("tt_count"))
        }
    }
}
