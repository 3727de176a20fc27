import Foundation
import Testing

/// `tracetui report --sort srcline` against `perf report --stdio --no-children --sort srcline` on a recording of
/// hot.c made here (skipped with the reason where perf cannot record): the same lines for every entry of 1% or
/// more, with the same shares within 0.1; and `--sort symbol_size`'s whole table likewise (user, loader and kernel
/// functions).
@Suite struct SourceLineParityTests {
    /// `    67.96%  hot.c:6` → line: percent (perf's IPC columns after a size are left out).
    static func entries(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, parts[0].hasSuffix("%"), let pct = Double(parts[0].dropLast()) else { continue }
            out[String(parts[1]), default: 0] += pct
        }
        return out
    }

    @Test func recordingMadeHereMatchesPerfSrcline() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Fixture.packageRoot.appendingPathComponent("Tests/record-hotspots.sh").path
        let made = try CommandResult.run("/bin/bash", [script, dir], timeout: .seconds(120))
        if made.status == 77 {
            print("srcline comparison skipped: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(made.status == 0, "record-hotspots.sh: \(made.stderr)")
        let perf = try CommandResult.run("/usr/bin/env", ["perf", "report", "-i", dir + "/hot.data", "--stdio", "--no-children",
                                                          "--sort", "srcline", "-g", "none"], timeout: .seconds(120))
        #expect(perf.status == 0, "perf report: \(perf.stderr)")
        let theirs = Self.entries(perf.stdout).filter { $0.value >= 1 }
        let run = try CommandResult.run(try Fixture.binary(), ["report", dir + "/hot.script.txt", "--sort", "srcline"],
                                        timeout: .seconds(60))
        #expect(run.status == 0, "\(run.stderr)")
        let ours = Self.entries(run.stdout)
        #expect(theirs.count >= 2, "perf's lines: \(theirs)")
        #expect(theirs.keys.contains { $0.hasPrefix("hot.c:") }, "the hot loops' lines: \(theirs)")
        for (line, pct) in theirs {
            #expect(abs((ours[line] ?? -1) - pct) <= 0.1, "\(line): \(ours[line] ?? -1) vs perf's \(pct)")
        }
        #expect(Set(ours.filter { $0.value >= 1 }.keys) == Set(theirs.keys))

        // perf's symbol_size on every sample: user functions sized from their ELF symbol tables (the loader's
        // from its separate debug file), kernel functions from /proc/kallsyms up to the next symbol, as perf does.
        let perfSizes = try CommandResult.run("/usr/bin/env", ["perf", "report", "-i", dir + "/hot.data", "--stdio",
                                                               "--no-children", "--sort", "symbol_size", "-g", "none"],
                                              timeout: .seconds(120))
        #expect(perfSizes.status == 0, "perf report: \(perfSizes.stderr)")
        let theirSizes = Self.entries(perfSizes.stdout)
        let sizes = try CommandResult.run(try Fixture.binary(), ["report", dir + "/hot.script.txt", "--sort", "symbol_size"],
                                          timeout: .seconds(60))
        let ourSizes = Self.entries(sizes.stdout)
        #expect(theirSizes.count >= 2, "perf's sizes: \(theirSizes)")
        #expect(Set(ourSizes.keys) == Set(theirSizes.keys), "ours \(ourSizes) vs perf's \(theirSizes)")
        for (size, pct) in theirSizes {
            #expect(abs((ourSizes[size] ?? -1) - pct) <= 0.1, "size \(size): \(ourSizes[size] ?? -1) vs perf's \(pct)")
        }
    }

    /// Rows of `--sort` with several columns: the percentage and the cells (perf cuts a long srcline to its
    /// column: the cell is compared as a prefix there).
    static func rows(_ text: String) -> [(pct: Double, cells: [String])] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            var parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard parts.count >= 2, parts[0].hasSuffix("%"), let pct = Double(parts[0].dropLast()) else { return nil }
            parts.removeFirst()
            // `[.] name` is one cell; perf's trailing IPC columns (`-  -`) are not cells.
            var cells: [String] = []
            var k = 0
            while k < parts.count {
                if (parts[k] == "[.]" || parts[k] == "[k]"), k + 1 < parts.count {
                    cells.append(parts[k] + " " + parts[k + 1])
                    k += 2
                } else {
                    if parts[k] != "-" { cells.append(parts[k]) }
                    k += 1
                }
            }
            return (pct, cells)
        }
    }

    @Test func severalKeysWithSrclineAndSymbolSizeMatchPerf() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = Fixture.packageRoot.appendingPathComponent("Tests/record-hotspots.sh").path
        let made = try CommandResult.run("/bin/bash", [script, dir], timeout: .seconds(120))
        if made.status == 77 {
            print("several-key comparison skipped: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            return
        }
        #expect(made.status == 0, "record-hotspots.sh: \(made.stderr)")
        for keys in ["sym,srcline", "dso,sym,symbol_size", "srcline,dso"] {
            let perf = try CommandResult.run("/usr/bin/env", ["perf", "report", "-i", dir + "/hot.data", "--stdio", "--no-children",
                                                              "--sort", keys, "-g", "none"], timeout: .seconds(120))
            #expect(perf.status == 0, "perf report --sort \(keys): \(perf.stderr)")
            let run = try CommandResult.run(try Fixture.binary(), ["report", dir + "/hot.script.txt", "--sort", keys],
                                            timeout: .seconds(60))
            #expect(run.status == 0, "\(run.stderr)")
            let theirs = Self.rows(perf.stdout), ours = Self.rows(run.stdout)
            #expect(theirs.count >= 3 && theirs.count == ours.count, "--sort \(keys): perf \(theirs.count) rows, ours \(ours.count)")
            // Rows of equal percentage (a sample or two each) may come in another order: perf breaks those ties by
            // its own key comparison (an unknown symbol's address against a kernel symbol's name), which the
            // recording decides. Each perf row must match, at the same percentage, one of ours in its tie group.
            var unmatched = Array(ours.indices)
            for (k, row) in theirs.enumerated() {
                let match = unmatched.firstIndex { j in
                    let mine = ours[j]
                    return (j == k ? abs(row.pct - mine.pct) <= 0.1 : mine.pct == row.pct)
                        && row.cells.count == mine.cells.count && zip(row.cells, mine.cells).allSatisfy { $0.1.hasPrefix($0.0) }
                }
                #expect(match != nil, "--sort \(keys) row \(k): perf \(row) vs \(k < ours.count ? "\(ours[k])" : "none")")
                if let match { unmatched.remove(at: match) }
            }
        }
    }
}
