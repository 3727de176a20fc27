import Foundation
import Testing
@testable import TraceCapture
@testable import TraceModel

/// tracetui's function-duration table against `uftrace report` on the same recording of
/// `Tests/Fixtures/uftrace/recursion.c` (direct and mutual recursion, a call that sleeps, three threads): read as
/// `uftrace replay` text, as `uftrace dump --chrome` JSON, and (see UftraceDataTests) as the uftrace.data itself.
@Suite("uftrace's own answers", .serialized)
struct UftraceComparisonTests {
    static let fixture = UftraceTool.fixtures + "/recursion"

    /// The replay text loses what its units do not print: a ms-long call keeps its µs.
    static func textSlack(_ e: UftraceTool.ReportEntry) -> Int64 {
        UftraceTool.precision(e.total) * (2 * e.calls + 2)
    }

    static func write(_ text: String, _ name: String) -> String {
        let path = NSTemporaryDirectory() + "tracetui-\(getpid())-\(name)"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Given the replay text of a program whose `nap` sleeps 45 ms (closing lines in `ms`) and that recurses,
    /// when tracetui builds its duration table, then every function has uftrace report's calls, total and self
    /// — `linux:schedule` included (its sched-out / sched-in records), `fib`'s total counted once.
    @Test func replayTextMatchesUftraceReport() async throws {
        let theirs = UftraceTool.parseReport(try String(contentsOfFile: Self.fixture + ".report.txt", encoding: .utf8))
        let ours = try await UftraceTool.durations(Self.fixture + ".replay.txt")
        UftraceTool.expectSame(ours, as: theirs, slack: Self.textSlack)
        // No function's total exceeds the time it was on the stack.
        #expect(ours["fib"]!.total < ours["main"]!.total)
        #expect(ours["nap"]!.total >= 3 * 45_000_000)
    }

    @Test func replayTextOfANewRecordingMatchesUftraceReport() async throws {
        guard let data = UftraceTool.record("recursion") else { return }
        defer { try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent) }
        let theirs = UftraceTool.parseReport(try UftraceTool.output("report", data))
        let replay = Self.write(try UftraceTool.output("replay", data), "replay.txt")
        defer { unlink(replay) }
        UftraceTool.expectSame(try await UftraceTool.durations(replay), as: theirs, slack: Self.textSlack)
    }

    /// `uftrace dump --chrome` drops the B of a pre-empted `linux:schedule` and keeps its E: that E must not
    /// close the call around it (main was two calls, ending inside pthread_create).
    @Test func chromeDumpWithAnUnmatchedEndMatchesUftraceReport() async throws {
        let theirs = UftraceTool.parseReport(try String(contentsOfFile: Self.fixture + ".report.txt", encoding: .utf8))
        let ours = try await UftraceTool.durations(Self.fixture + ".chrome.json")
        // The pre-empted switch's B is not in the JSON: pthread_create keeps those 122 µs as its own.
        UftraceTool.expectSame(ours, as: theirs, slack: { UftraceTool.precision($0.total) * 2 },
                               except: ["linux:schedule (pre-empted)", "pthread_create"])
        #expect(ours["main"]?.calls == 1)
        #expect(ours["pthread_create"]?.total == theirs["pthread_create"]?.total)
        let store = try await TraceInput(path: Self.fixture + ".chrome.json").load()
        #expect(store.summary.byEvent["unmatched_end"] == 1, "the stray E is kept and shown")
    }

    @Test func chromeDumpOfANewRecordingMatchesUftraceReport() async throws {
        guard let data = UftraceTool.record("recursion") else { return }
        defer { try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent) }
        let theirs = UftraceTool.parseReport(try UftraceTool.output("report", data))
        let json = Self.write(try UftraceTool.output("dump", data, ["--chrome"]), "dump.json")
        defer { unlink(json) }
        let ours = try await UftraceTool.durations(json)
        let skipped: Set<String> = ["linux:schedule (pre-empted)", "pthread_create", "pthread_join", "main", "linux:schedule"]
        // A pre-emption on a loaded machine can land in any function, and the dump drops its B: that function keeps
        // the pre-empted time as its own. So self times may exceed uftrace's by at most the pre-empted total.
        let preempted = theirs["linux:schedule (pre-empted)"]?.total ?? 0
        for (name, want) in theirs where !skipped.contains(name) {
            guard let got = ours[name] else {
                Issue.record("\(name) is missing (uftrace report: \(want))")
                continue
            }
            let slack = UftraceTool.precision(want.total) * 2
            #expect(got.calls == want.calls, "\(name) calls")
            #expect(abs(got.total - want.total) <= slack, "\(name) total \(got.total) vs \(want.total)")
            #expect(got.selfTime - want.selfTime >= -slack && got.selfTime - want.selfTime <= preempted + slack,
                    "\(name) self \(got.selfTime) vs \(want.selfTime) (pre-empted in all: \(preempted))")
        }
        #expect(ours["main"]?.calls == 1)
    }
}
