import Foundation
import Testing

extension EndToEnd {
    /// Issue 14 through the real binary: output a terminal can trust, JSON that parses, files whole or absent,
    /// truncation said, and cleanup that finds what a zombie left.
    @Suite("Hardening")
    struct Hardening {
        static func run(_ args: [String], timeout: Duration = .seconds(60)) throws -> ChildProcess.Outcome {
            try ChildProcess.run(try Fixture.binary(), args, timeout: timeout)
        }

        /// Bytes a terminal acts on: ESC, BEL, CSI as one C1 character (UTF-8 C2 9B), and invalid UTF-8.
        static func rawControls(_ data: Data) -> String? {
            let b = [UInt8](data)
            if b.contains(0x1B) { return "ESC" }
            if b.contains(0x07) { return "BEL" }
            if zip(b, b.dropFirst()).contains(where: { $0 == 0xC2 && $1 == 0x9B }) { return "CSI" }
            if String(validatingUTF8: b.map { CChar(bitPattern: $0) } + [0]) == nil { return "invalid UTF-8" }
            return nil
        }

        static func parsesAsJSON(_ data: Data) -> Bool {
            (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
        }

        static func sampleFiles() -> [String] {
            let root = Fixture.samplesDirectory
            let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
            return files.filter { !$0.hasSuffix(".md") }.map { root + "/" + $0 }
                .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
                .sorted()
        }

        /// Every `--format json` of stat, report and graph over every sample parses as JSON (a command that finds
        /// nothing to report fails with one line on stderr instead).
        @Test func everyJSONOutputOfEveryCommandParses() throws {
            let files = Self.sampleFiles()
            try #require(files.count > 50, "samples not found under \(Fixture.samplesDirectory)")
            for file in files {
                for command in ["stat", "report", "graph"] {
                    let out = try Self.run([command, "--format", "json", file])
                    if out.status == 0 {
                        #expect(Self.parsesAsJSON(out.stdout), "\(command) \(file): \(String(decoding: out.stdout.prefix(300), as: UTF8.self))")
                    } else {
                        #expect(command != "stat", "stat \(file) failed: \(String(decoding: out.stderr, as: UTF8.self))")
                        #expect(out.stdout.isEmpty && !out.stderr.isEmpty, "\(command) \(file)")
                    }
                    #expect(Self.rawControls(out.stdout) == nil, "\(command) \(file)")
                }
            }
        }

        /// A log whose comm, function and field text carry escape sequences and invalid UTF-8: no command writes
        /// them raw, in any format.
        @Test func hostileNamesNeverReachTheTerminalRaw() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var events = Data()
            for k in 0..<20 {
                events += Data("  evil\u{1B}]52;c;aGk=\u{07}-\(100 + k % 3) [000] d..2.  1.\(100_000 + k): sched_switch: prev_comm=x\u{1B}[2J prev_pid=1 ==> next_comm=\u{9B}6n next_pid=2 bad=".utf8)
                events += Data([0xFF, 0xFE, 0x0A])
            }
            let eventsPath = directory + "/events.txt"
            try events.write(to: URL(fileURLWithPath: eventsPath))
            var graph = "# tracer: function_graph\n"
            for _ in 0..<5 { graph += " 0)               |  evil\u{1B}[31m() {\n 0)   1.000 us    |    inner\u{07}();\n 0)   3.000 us    |  }\n" }
            let graphPath = directory + "/graph.txt"
            try graph.write(toFile: graphPath, atomically: true, encoding: .utf8)
            let runs: [[String]] = [
                ["report", eventsPath, "--sort", "comm"], ["report", eventsPath, "--sort", "comm", "--format", "csv"],
                ["report", eventsPath, "--format", "json"], ["stat", eventsPath], ["stat", eventsPath, "--format", "json"],
                ["graph", graphPath], ["graph", graphPath, "--format", "json"], ["report", graphPath],
                ["dump", eventsPath, "--format", "chrome"], ["dump", eventsPath, "--format", "csv"],
                ["dump", graphPath, "--format", "folded"], ["dump", graphPath, "--format", "svg"],
                ["stat", directory + "/no\u{1B}]0;title\u{07}such"],
            ]
            for args in runs {
                let out = try Self.run(args)
                #expect(Self.rawControls(out.stdout) == nil, "stdout of \(args.dropLast(args.count - 2))")
                #expect(Self.rawControls(out.stderr) == nil, "stderr of \(args.dropLast(args.count - 2))")
                if args.contains("json") || args.contains("chrome") { #expect(Self.parsesAsJSON(out.stdout), "\(args)") }
            }
            let report = String(decoding: try Self.run(["report", eventsPath, "--sort", "comm"]).stdout, as: UTF8.self)
            #expect(report.contains("evil\\x1b]52;c;aGk=\\x07"), "\(report)")
            let missing = String(decoding: try Self.run(["stat", directory + "/no\u{1B}]0;title\u{07}such"]).stderr, as: UTF8.self)
            #expect(missing.contains("no\\x1b]0;title\\x07such"), "\(missing)")
        }

        /// A process names itself with an OSC 52 sequence (prctl PR_SET_NAME); a recording of it, read back by
        /// report, stat and dump, shows the name escaped.
        @Test(.enabled(if: LiveTracing.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
        func hostileCommFromPrctlInARecording() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let out = directory + "/hostile.txt"
            let script = """
                import ctypes, time
                ctypes.CDLL(None).prctl(15, b"\\x1b]52;c;aGk=\\x07", 0, 0, 0)
                for _ in range(20): time.sleep(0.01)
                """
            let record = try Self.run(["record", "-o", out, "-e", "sched:sched_switch", "--", "/usr/bin/python3", "-c", script])
            #expect(record.status == 0, "record: \(String(decoding: record.stderr, as: UTF8.self))")
            let text = try Data(contentsOf: URL(fileURLWithPath: out))
            try #require(text.range(of: Data("\u{1B}]52;c;aGk=".utf8)) != nil, "the recording holds the name as the kernel gave it")
            for args in [["report", out, "--sort", "comm"], ["report", out, "--format", "csv", "--sort", "comm"],
                         ["stat", out], ["dump", out, "--format", "chrome"], ["dump", out, "--format", "csv"]] {
                let result = try Self.run(args)
                #expect(result.status == 0, "\(args): \(String(decoding: result.stderr, as: UTF8.self))")
                #expect(Self.rawControls(result.stdout) == nil, "\(args)")
            }
            let report = String(decoding: try Self.run(["report", out, "--sort", "comm"]).stdout, as: UTF8.self)
            #expect(report.contains("\\x1b]52;c;aGk=\\x07"), "\(report)")
        }

        /// A cut .gz is an error naming the offset; with --allow-truncated, a warning and the events before it.
        @Test func truncatedCompressedInputIsSaid() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var text = ""
            for k in 0..<50_000 { text += "  bash-1 [000] d..2.  1.\(100_000 + k): sched_switch: prev_comm=bash next_pid=\(k)\n" }
            let plain = directory + "/t.txt"
            try text.write(toFile: plain, atomically: true, encoding: .utf8)
            let gz = try ChildProcess.run("/bin/gzip", ["-k", plain])
            try #require(gz.status == 0)
            let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
            let cut = directory + "/cut.gz"
            try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
            let failed = try Self.run(["stat", cut])
            #expect(failed.status == 1)
            let said = String(decoding: failed.stderr, as: UTF8.self)
            #expect(said.contains("truncated gzip data: the input ends at byte \(whole.count / 2)"), "\(said)")
            let warned = try Self.run(["stat", "--allow-truncated", "--format", "json", cut])
            #expect(warned.status == 0)
            #expect(String(decoding: warned.stderr, as: UTF8.self).contains("warning: \(cut): truncated gzip data"))
            let json = try #require(try JSONSerialization.jsonObject(with: warned.stdout) as? [String: Any])
            let events = try #require(json["events"] as? Int)
            #expect(events > 1000 && events < 50_000, "\(events) events read before the cut")
        }

        /// Writing to a full filesystem (a 64 KB tmpfs the test mounts): dump leaves neither the target nor a
        /// temporary; record leaves nothing, or with --keep-partial the whole lines written, and says how many.
        @Test(.enabled(if: LiveTracing.isAvailable))
        func fullDiskLeavesWholeFilesOrNone() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let mount = directory + "/small"
            try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
            let mounted = try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount])
            try #require(mounted.status == 0, "mount: \(String(decoding: mounted.stderr, as: UTF8.self))")
            defer { _ = try? ChildProcess.run("/bin/umount", [mount]) }
            func listing() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: mount)) ?? ["?"] }

            let dump = try Self.run(["dump", "--format", "chrome", "-o", mount + "/out.json", try Fixture.sample(Samples.syscalls)])
            #expect(dump.status == 1)
            #expect(String(decoding: dump.stderr, as: UTF8.self).contains("cannot write \(mount)/out.json: No space left on device"))
            #expect(listing() == [], "left behind: \(listing())")

            let lost = try Self.run(["record", "-o", mount + "/rec.txt", "-e", "sched:sched_switch", "--duration", "5"])
            #expect(lost.status == 1)
            #expect(String(decoding: lost.stderr, as: UTF8.self).contains("nothing kept"))
            #expect(listing() == [], "left behind: \(listing())")

            let kept = try Self.run(["record", "-o", mount + "/rec.txt", "-e", "sched:sched_switch", "--duration", "5",
                                     "--keep-partial"])
            let said = String(decoding: kept.stderr, as: UTF8.self)
            #expect(said.contains("lines (") && said.contains("kept in \(mount)/rec.txt"), "\(said)")
            let saved = try Data(contentsOf: URL(fileURLWithPath: mount + "/rec.txt"))
            #expect(saved.count > 0 && saved.last == 0x0A, "cut mid-line: \(saved.count) bytes")
            let lines = saved.split(separator: 0x0A).count
            #expect(said.contains("\(lines) lines"), "\(said) vs \(lines) lines")
            #expect(listing().filter { !$0.hasPrefix("rec.txt") } == [], "left behind: \(listing())")
        }

        @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                       "needs root to switch to nobody, and setpriv"))
        func cleanupAsNonRootSaysItNeedsRoot() throws {
            let result = try ChildProcess.run(
                "/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", try Fixture.binary(), "cleanup"])
            #expect(result.status == 1)
            #expect(String(decoding: result.stderr, as: UTF8.self).contains("tracetui cleanup needs root"))
        }

        /// A tracetui killed while its parent does not reap it is a zombie: its instance is a leftover.
        @Test(.enabled(if: LiveTracing.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
        func cleanupRemovesTheInstanceOfAZombie() throws {
            let root = try #require(LiveTracing.root)
            // A child named tracetui that exits at once and is not waited for: a zombie until the end of the test.
            var pid: pid_t = 0
            let args = ["/usr/bin/python3", "-c", "import ctypes; ctypes.CDLL(None).prctl(15, b'tracetui', 0, 0, 0)"]
            var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            try #require(posix_spawn(&pid, args[0], nil, nil, &argv, environ) == 0)
            defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
            let deadline = ContinuousClock.now + .seconds(10)
            func state() -> String? {
                (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))
                    .flatMap { $0.split(separator: ")").last?.split(separator: " ").first.map(String.init) }
            }
            while state() != "Z", ContinuousClock.now < deadline { usleep(20_000) }
            try #require(state() == "Z", "the child did not become a zombie")
            let instance = root + "/instances/tracetui-\(pid)"
            try #require(mkdir(instance, 0o755) == 0, "mkdir \(instance): \(String(cString: strerror(errno)))")
            defer { rmdir(instance) }
            let result = try Self.run(["cleanup"])
            #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
            // Any tracetui starting meanwhile (another session's tests) also removes what a dead one left: then
            // this cleanup finds nothing, and the instance is gone all the same.
            let said = String(decoding: result.stdout, as: UTF8.self)
            #expect(said.contains("removed \(instance)") || said.contains("nothing to clean up"), "\(said)")
            #expect(access(instance, F_OK) != 0)
        }
    }
}
