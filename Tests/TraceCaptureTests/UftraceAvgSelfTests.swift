import Foundation
import Testing
@testable import TraceCapture
@testable import TraceModel

/// uftrace's `report --avg-self` (self time per call: avg, min, max) and `--sort self`, against the tool's own
/// output on Tests/Fixtures/uftrace/recursion.data (kept beside it), and on a new recording where uftrace is.
@Suite("uftrace's --avg-self and --sort self")
struct UftraceAvgSelfTests {
    static let data = UftraceTool.fixtures + "/recursion.data"

    /// `   36.592 ms   98.997 us   49.365 ms  linux:schedule` → name: (avg, min, max).
    static func parseAvgSelf(_ text: String) -> [(name: String, avg: Int64, min: Int64, max: Int64)] {
        text.split(separator: "\n").compactMap { line in
            let t = line.split(separator: " ")
            guard t.count >= 7, let a = UftraceTool.time(t[0], t[1]), let mi = UftraceTool.time(t[2], t[3]),
                  let ma = UftraceTool.time(t[4], t[5]) else { return nil }
            return (t[6...].joined(separator: " "), a, mi, ma)
        }
    }

    static func table(_ path: String, avgSelf: Bool, sort: HotspotTable.SortColumn) async throws -> HotspotTable {
        var table = try await HotspotLoader.load(try TraceInput(path: path, populate: true)).table(keys: nil, children: false)
        table.avgSelf = avgSelf
        table.sort(by: sort)
        return table
    }

    static func expectAvgSelfMatches(_ theirs: [(name: String, avg: Int64, min: Int64, max: Int64)], _ ours: HotspotTable) {
        #expect(theirs.count >= 10)
        // uftrace prints 3 decimals of the unit and cuts rather than rounds: one unit of the last digit.
        func close(_ a: Int64, _ b: Int64) -> Bool { abs(a - b) <= UftraceTool.precision(b) }
        for want in theirs {
            guard let e = (0..<ours.entryCount).first(where: { ours.label(.symbol, of: $0) == want.name }) else {
                Issue.record("\(want.name) is missing")
                continue
            }
            #expect(close(ours.averageSelf(e), want.avg), "\(want.name) avg \(ours.averageSelf(e)) vs \(want.avg)")
            #expect(close(ours.minSelfValue[e], want.min), "\(want.name) min \(ours.minSelfValue[e]) vs \(want.min)")
            #expect(close(ours.maxSelfValue[e], want.max), "\(want.name) max \(ours.maxSelfValue[e]) vs \(want.max)")
        }
        // The same order where uftrace's averages differ by more than their printed precision.
        let names = ours.order.map { ours.label(.symbol, of: Int($0)) }
        for (a, b) in zip(theirs, theirs.dropFirst()) where a.avg - b.avg > UftraceTool.precision(a.avg) {
            if let i = names.firstIndex(of: a.name), let j = names.firstIndex(of: b.name) {
                #expect(i < j, "\(a.name) before \(b.name)")
            }
        }
        let columns = ours.columns().map(\.title)
        #expect(columns.prefix(3) == ["Self avg", "Self min", "Self max"])
    }

    @Test func keptRecordingMatchesUftraceAvgSelf() async throws {
        let theirs = Self.parseAvgSelf(try String(contentsOfFile: UftraceTool.fixtures + "/recursion.avg-self.txt", encoding: .utf8))
        Self.expectAvgSelfMatches(theirs, try await Self.table(Self.data, avgSelf: true, sort: .averageSelf))
    }

    @Test func sortSelfOrdersAsUftrace() async throws {
        let theirs = UftraceTool.parseReport(try String(contentsOfFile: UftraceTool.fixtures + "/recursion.sort-self.txt", encoding: .utf8))
        let order = try String(contentsOfFile: UftraceTool.fixtures + "/recursion.sort-self.txt", encoding: .utf8)
            .split(separator: "\n").compactMap { line -> String? in
                let t = line.split(separator: " ")
                guard t.count >= 6, UftraceTool.time(t[0], t[1]) != nil else { return nil }
                return t[5...].joined(separator: " ")
            }
        let ours = try await Self.table(Self.data, avgSelf: false, sort: .selfValue)
        let names = ours.order.map { ours.label(.symbol, of: Int($0)) }
        #expect(order.count >= 10)
        for (a, b) in zip(order, order.dropFirst()) where theirs[a]!.selfTime > theirs[b]!.selfTime + 1000 {
            #expect(names.firstIndex(of: a)! < names.firstIndex(of: b)!, "\(a) before \(b)")
        }
        #expect(names.first == order.first)
    }

    @Test func newRecordingMatchesUftraceAvgSelf() async throws {
        guard let data = UftraceTool.record("recursion") else { return }
        defer { try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent) }
        let theirs = Self.parseAvgSelf(try UftraceTool.output("report", data, ["--avg-self"]))
        Self.expectAvgSelfMatches(theirs, try await Self.table(data, avgSelf: true, sort: .averageSelf))
    }
}
