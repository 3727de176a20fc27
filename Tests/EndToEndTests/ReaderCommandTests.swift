import Foundation
import Testing

extension EndToEnd {
    /// The commands on the inputs tracetui reads natively or writes for other tools, through the real binary.
    @Suite("Readers and writers on the command line")
    struct ReaderCommands {
        static let uftraceData = Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/uftrace/recursion.data").path

        /// `--version` names the release and the commit built from (a 40-digit hash; `-dirty` with local changes).
        @Test func versionNamesTheCommit() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["--version"])
            #expect(result.status == 0)
            let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(line.wholeMatch(of: /tracetui \d+\.\d+\.\d+ \(commit ([0-9a-f]{40}(-dirty)?|unknown)\)/) != nil,
                    "\(line)")
            // The GitCommit plugin asks git before every build, so the hash is HEAD's in any clone, at any path
            // (the manifest's cached git answer once printed the previous landing's commit in CI).
            if let head = try? CommandResult.run("/usr/bin/git", ["-C", Fixture.packageRoot.path, "rev-parse", "HEAD"]),
               head.status == 0 {
                #expect(line.contains(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(line)")
            }
        }

        /// stat, report, graph and dump open a uftrace.data directory (replay goes through the same TraceInput).
        @Test func uftraceDataOpensInEveryCommand() throws {
            let stat = try CommandResult.run(try Fixture.binary(), ["stat", Self.uftraceData])
            #expect(stat.status == 0, "\(stat.stderr)")
            #expect(stat.stdout.contains("funcgraph_entry"))
            let report = try CommandResult.run(try Fixture.binary(), ["report", Self.uftraceData])
            #expect(report.status == 0, "\(report.stderr)")
            #expect(report.stdout.contains("linux:schedule"))
            #expect(report.stdout.contains("146.368 ms"), "uftrace report's linux:schedule total: \(report.stdout)")
            let graph = try CommandResult.run(try Fixture.binary(), ["graph", Self.uftraceData])
            #expect(graph.status == 0, "\(graph.stderr)")
            #expect(graph.stdout.contains("main"))
            let dump = try CommandResult.run(try Fixture.binary(), ["dump", Self.uftraceData, "--format", "chrome"])
            #expect(dump.status == 0, "\(dump.stderr)")
            #expect(dump.stdout.contains("\"traceEvents\""))
        }

        /// `dump --filter` on a field no event has says so on stderr.
        @Test func dumpFilterNamesAFieldNoEventHas() throws {
            let dat = Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/sched-softirq.report.txt").path
            let result = try CommandResult.run(try Fixture.binary(), ["dump", dat, "--format", "csv", "--filter",
                                                                      "prev_stat == S"])
            #expect(result.status == 0)
            #expect(result.stderr.contains("no event of") && result.stderr.contains("prev_stat"), "\(result.stderr)")
            let good = try CommandResult.run(try Fixture.binary(), ["dump", dat, "--format", "csv", "--filter",
                                                                    "prev_state == S"])
            #expect(good.stderr.isEmpty)
            #expect(good.stdout.split(separator: "\n").count == 1 + 28, "trace-cmd -F 'prev_state == 1' finds 28")
        }

        /// `dump --format pprof` writes gzip (profile.proto's on-disk form).
        @Test func dumpWritesAGzippedPprofProfile() throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let out = dir + "/p.pb.gz"
            let result = try CommandResult.run(try Fixture.binary(), ["dump", Self.uftraceData, "--format", "pprof",
                                                                      "-o", out])
            #expect(result.status == 0, "\(result.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(bytes.starts(with: [0x1F, 0x8B]))
        }
    }
}
