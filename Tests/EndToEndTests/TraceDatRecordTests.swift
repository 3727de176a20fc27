import Foundation
import Testing

extension EndToEnd {
    /// `tracetui record -o NAME.dat` writes a trace.dat: trace-cmd report lists the events `tracetui stat` counts
    /// in it, and the same as the ftrace text another `record` wrote of the same workload at the same time.
    @Suite("Record trace.dat", .serialized)
    struct RecordTraceDat {
        static var canRun: Bool {
            guard LiveTracing.isAvailable else { return false }
            for tool in ["/usr/bin/trace-cmd", "/usr/bin/taskset", "/usr/bin/flock"] where access(tool, X_OK) != 0 {
                print("skipping trace.dat recording tests: \(tool) is missing")
                return false
            }
            guard sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 else {
                print("skipping trace.dat recording tests: fewer than 2 CPUs online")
                return false
            }
            return true
        }

        @Test(.enabled(if: RecordTraceDat.canRun))
        func traceCmdReportListsTheEventsStatCountsInTheDatAndInTheTextRecordedBeside() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let flag = directory + "/go"
            // The workload waits, blocked on a FIFO (so nothing of it is traced before both recordings run),
            // then keeps both CPUs busy.
            try #require(mkfifo(flag, 0o600) == 0)
            let load = Process()
            load.executableURL = URL(fileURLWithPath: "/bin/sh")
            load.arguments = ["-c", "read go < \(flag); "
                + "/usr/bin/taskset -c 0 /bin/dd if=/dev/zero of=/dev/null bs=1 count=30000 status=none & "
                + "/usr/bin/taskset -c 1 /bin/dd if=/dev/zero of=/dev/null bs=1 count=30000 status=none; wait"]
            try load.run()
            defer { if load.isRunning { load.terminate() } }
            var recorders: [Process] = []
            defer { recorders.filter(\.isRunning).forEach { $0.interrupt() } }
            for name in ["rec.dat", "rec.txt"] {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: try Fixture.binary())
                p.arguments = ["record", "-o", directory + "/" + name, "-p", String(load.processIdentifier),
                               "-e", "sched:sched_switch", "-e", "raw_syscalls:*", "--duration", "6"]
                p.standardError = FileHandle(forWritingAtPath: "/dev/null")
                try p.run()
                recorders.append(p)
            }
            // Both instances trace once they filter the pid and tracing_on is 1.
            let root = try #require(LiveTracing.root)
            let deadline = ContinuousClock.now + .seconds(20)
            func tracing(_ p: Process) -> Bool {
                let dir = root + "/instances/tracetui-\(p.processIdentifier)"
                return (try? String(contentsOfFile: dir + "/tracing_on", encoding: .utf8))?.hasPrefix("1") == true
                    && (try? String(contentsOfFile: dir + "/set_event_pid", encoding: .utf8))?.contains(String(load.processIdentifier)) == true
            }
            while !recorders.allSatisfy(tracing), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(recorders.allSatisfy(tracing), "both recordings started")
            let go = open(flag, O_WRONLY)
            _ = write(go, "\n", 1)
            close(go)
            while recorders.contains(where: \.isRunning), ContinuousClock.now < deadline + .seconds(30) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(recorders.allSatisfy { !$0.isRunning && $0.terminationStatus == 0 })

            // record's text with both CPUs busy: one time order.
            let lines = try String(contentsOfFile: directory + "/rec.txt", encoding: .utf8).split(separator: "\n")
            let times = lines.compactMap { $0.firstMatch(of: #/\] [\w.]{5} (\d+\.\d+): /#).flatMap { Self.nanoseconds(String($0.output.1)) } }
            #expect(times.count > 200_000)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "record's text steps back")
            let dat = try Self.stat(directory + "/rec.dat")
            let text = try Self.stat(directory + "/rec.txt")
            let report = try Self.report(directory + "/rec.dat")
            #expect((dat.byEvent["sys_enter"] ?? 0) >= 120_000, "\(dat.byEvent)")
            #expect(report.byEvent == dat.byEvent)
            #expect(report.byCPU == dat.byCPU)
            // tracetui prints µs (the kernel's trace_pipe form), trace-cmd report -t ns.
            #expect(report.first.map { $0 / 1000 * 1000 } == dat.first && report.last.map { $0 / 1000 * 1000 } == dat.last,
                    "\(report) \(dat)")
            #expect(text.byEvent == dat.byEvent)
            #expect(text.byCPU == dat.byCPU)
            // Each instance's buffer reads the clock for itself as the same event is written to both: a µs or so apart.
            func near(_ a: Int64?, _ b: Int64?) -> Bool { a != nil && b != nil && abs(a! - b!) <= 20_000 }
            #expect(near(text.first, dat.first) && near(text.last, dat.last), "\(text) \(dat)")
        }

        struct Counts: Equatable, CustomStringConvertible {
            var byEvent: [String: Int] = [:]
            var byCPU: [String: Int] = [:]
            var first: Int64?
            var last: Int64?
            var description: String { "events \(byEvent) cpus \(byCPU) \(first ?? -1)…\(last ?? -1)" }
        }

        /// `tracetui stat --format json`: counts, and the times as printed (seconds with 9 decimals) in ns.
        static func stat(_ path: String) throws -> Counts {
            let r = try CommandResult.run(try Fixture.binary(), ["stat", "--format", "json", path], timeout: .seconds(120))
            try #require(r.status == 0, "stat \(path): \(r.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            var c = Counts()
            c.byEvent = try #require(json["by_event"] as? [String: Int])
            c.byCPU = try #require(json["by_cpu"] as? [String: Int])
            c.first = r.stdout.firstMatch(of: #/"first_timestamp":\s*([\d.]+)/#).flatMap { nanoseconds(String($0.output.1)) }
            c.last = r.stdout.firstMatch(of: #/"last_timestamp":\s*([\d.]+)/#).flatMap { nanoseconds(String($0.output.1)) }
            return c
        }

        /// `trace-cmd report -t` (ns times), with tracetui's tracefs lock held as every trace-cmd run must.
        static func report(_ path: String) throws -> Counts {
            let r = try CommandResult.run("/usr/bin/flock", ["-s", "-w", "10", LiveTracing.lockPath,
                                                              "/usr/bin/trace-cmd", "report", "-t", path], timeout: .seconds(300))
            try #require(r.status == 0, "trace-cmd report: \(r.stderr.prefix(300))")
            var c = Counts()
            for line in r.stdout.split(separator: "\n") {
                guard let m = line.firstMatch(of: #/\[(\d+)\]\s+(\d+\.\d+): ([\w]+):/#) else { continue }
                c.byCPU[String(Int(m.output.1) ?? -1), default: 0] += 1
                c.byEvent[String(m.output.3), default: 0] += 1
                let t = nanoseconds(String(m.output.2))
                if c.first == nil { c.first = t }
                c.last = t
            }
            return c
        }

        static func nanoseconds(_ s: String) -> Int64? {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let whole = Int64(parts[0]) else { return nil }
            let digits = String(parts[1].prefix(9)).padding(toLength: 9, withPad: "0", startingAt: 0)
            return Int64(digits).map { whole * 1_000_000_000 + $0 }
        }
    }
}
