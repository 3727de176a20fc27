import Foundation
import TraceModel

/// Source lines of instructions for `--sort srcline`: per binary, one `nm` run for its symbols' addresses and
/// one `addr2line` run for every address asked (binutils, as perf itself falls back to addr2line), so a
/// profile of a thousand hot lines costs two processes per binary, not one per line.
public enum SourceLineResolver {
    /// `file:line` (the file's name, as perf prints it) per leaf, nil where the binary or its debug info is
    /// missing, or the code is the kernel's.
    public static func resolve(_ leaves: [SourceLineTable.Leaf]) -> [SourceLineTable.Leaf: String] {
        var byDso: [String: [SourceLineTable.Leaf]] = [:]
        for l in leaves where (l.offset != nil || l.address != nil) && !HotspotTable.isKernel(l.dso) && l.dso.hasPrefix("/") {
            byDso[l.dso, default: []].append(l)
        }
        var out: [SourceLineTable.Leaf: String] = [:]
        for (dso, items) in byDso where access(dso, R_OK) == 0 {
            let symbols = addresses(of: dso)
            var asked: [SourceLineTable.Leaf] = []
            var args = ["-e", dso]
            for l in items {
                // The symbol's start plus the offset; else the sample's own address, which perf script prints
                // relative to the binary's mapping — the address addr2line takes (a function the binary's symbol
                // table lacks, such as the loader's local ones, still has its line).
                if let start = symbols[l.symbol], let offset = l.offset {
                    args.append("0x" + String(start &+ offset, radix: 16))
                } else if let address = l.address {
                    args.append("0x" + String(address, radix: 16))
                } else {
                    continue
                }
                asked.append(l)
            }
            guard !asked.isEmpty, let text = run("addr2line", args) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, l) in asked.enumerated() where i < lines.count {
                // `/src/hot.c:6 (discriminator 3)` → hot.c:6; `??:0` / `??:?` → unknown.
                let where_ = lines[i].split(separator: " ").first.map(String.init) ?? ""
                // No file and no line (an assembly entry point such as the loader's _start): perf prints `:0`.
                if where_.hasPrefix(":") {
                    out[l] = ":0"
                    continue
                }
                guard !where_.hasPrefix("??"), let colon = where_.lastIndex(of: ":"),
                      where_[where_.index(after: colon)...] != "?", where_[where_.index(after: colon)...] != "0" else { continue }
                let file = where_[..<colon].split(separator: "/").last.map(String.init) ?? ""
                out[l] = file + where_[colon...]
            }
        }
        return out
    }

    /// What the leaf keys among `keys` need: the source lines for srcline, the function sizes for symbol_size.
    public static func details(_ leaves: [SourceLineTable.Leaf], keys: [HotspotKey]) -> SourceLineTable.Details {
        SourceLineTable.Details(lines: keys.contains(.srcline) ? resolve(leaves) : [:],
                                sizes: keys.contains(.symbolSize) ? sizes(leaves) : [:])
    }

    /// perf's `symbol_size`: each leaf's function size from its binary's symbol table (`nm -S`), a kernel
    /// function's from `/proc/kallsyms` (up to the next symbol, as perf computes it: the running kernel's, so right
    /// for recordings of this boot, as perf's are), nil where the binary, the symbol or its size is not to be had.
    public static func sizes(_ leaves: [SourceLineTable.Leaf], kallsyms: String = "/proc/kallsyms") -> [SourceLineTable.Leaf: UInt64] {
        var out: [SourceLineTable.Leaf: UInt64] = [:]
        // The kernel and its modules (`[nf_tables]`); not the user-space mappings perf also brackets.
        let user: Set<String> = ["[unknown]", "[vdso]", "[vsyscall]", "[vvar]", "[heap]", "[stack]"]
        let kernelLeaves = leaves.filter { HotspotTable.isKernel($0.dso) || ($0.dso.hasPrefix("[") && !user.contains($0.dso)) }
        if !kernelLeaves.isEmpty {
            let kernel = Kallsyms(path: kallsyms)
            let byName = kernel.indexByName()
            for l in kernelLeaves {
                guard let k = byName[l.symbol], let size = kernel.size(k) else { continue }
                if l.dso.hasPrefix("[kernel") ? kernel.dso(k) == "[kernel.kallsyms]" : kernel.dso(k) == l.dso { out[l] = size }
            }
        }
        var table: [String: [String: UInt64]] = [:]
        for l in leaves where !HotspotTable.isKernel(l.dso) && l.dso.hasPrefix("/") && access(l.dso, R_OK) == 0 {
            if table[l.dso] == nil {
                var sizes: [String: UInt64] = [:]
                var runs = [["-S", "--defined-only", l.dso], ["-S", "--defined-only", "-D", l.dso]]
                // A stripped library's local functions (the loader's) are in its separate debug file, where perf
                // finds them too.
                if let debug = debugFile(of: l.dso) { runs.append(["-S", "--defined-only", debug]) }
                for args in runs {
                    guard let text = run("nm", args) else { continue }
                    // A symbol without a size (nm prints none) reaches the next symbol's address, as perf fixes
                    // such ends up.
                    var unsized: [(String, UInt64)] = []
                    var starts: [UInt64] = []
                    // `i`: a GNU indirect function (libc's strcpy, memcpy), a function to perf as to nm.
                    for line in text.split(separator: "\n") {
                        let parts = line.split(separator: " ")
                        if parts.count == 4, "tTwWi".contains(parts[2]), let a = UInt64(parts[0], radix: 16),
                           let size = UInt64(parts[1], radix: 16) {
                            starts.append(a)
                            if sizes[String(parts[3])] == nil { sizes[String(parts[3])] = size }
                        } else if parts.count == 3, "tTwWi".contains(parts[1]), let a = UInt64(parts[0], radix: 16) {
                            starts.append(a)
                            unsized.append((String(parts[2]), a))
                        }
                    }
                    starts.sort()
                    for (name, a) in unsized where sizes[name] == nil {
                        var lo = 0, hi = starts.count
                        while lo < hi {
                            let mid = (lo + hi) / 2
                            if starts[mid] <= a { lo = mid + 1 } else { hi = mid }
                        }
                        if lo < starts.count { sizes[name] = starts[lo] - a }
                    }
                }
                table[l.dso] = sizes
            }
            if let size = table[l.dso]?[l.symbol] {
                out[l] = size
            } else if l.symbol.hasSuffix("@plt"), let size = pltEntrySize(l.dso) {
                // perf names each PLT stub `func@plt`, sized one entry; nm lists no such symbol.
                out[l] = size
            }
        }
        return out
    }

    /// Bytes of one PLT entry, as perf sizes its `func@plt` symbols: the entry size of `.plt.sec` where the binary
    /// has one (the stubs callers jump to under IBT), else of `.plt`.
    static func pltEntrySize(_ binary: String) -> UInt64? {
        guard let text = run("readelf", ["-SW", binary]) else { return nil }
        var found: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            // `[13] .plt  PROGBITS  addr off size ES flags …`: ES is the sixth word after the `]`.
            guard let close = line.firstIndex(of: "]") else { continue }
            let words = line[line.index(after: close)...].split(separator: " ")
            guard words.count >= 6, words[0] == ".plt" || words[0] == ".plt.sec", let es = UInt64(words[5], radix: 16), es > 0
            else { continue }
            found[String(words[0])] = es
        }
        return found[".plt.sec"] ?? found[".plt"]
    }

    /// The binary's separate debug file by its build id (`/usr/lib/debug/.build-id/xx/rest.debug`), where one is
    /// installed.
    static func debugFile(of binary: String) -> String? {
        guard let notes = run("readelf", ["-n", binary]),
              let line = notes.split(separator: "\n").first(where: { $0.contains("Build ID:") }),
              let id = line.split(separator: " ").last.map(String.init), id.count > 2,
              id.allSatisfy(\.isHexDigit) else { return nil }
        let path = "/usr/lib/debug/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug"
        return access(path, R_OK) == 0 ? path : nil
    }

    /// The defined functions' addresses (`nm --defined-only`, then the debug file's), the first of a name kept.
    static func addresses(of binary: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        var runs = [["--defined-only", binary], ["--defined-only", "-D", binary]]
        if let debug = debugFile(of: binary) { runs.append(["--defined-only", debug]) }
        for name in runs {
            guard let text = run("nm", name) else { continue }
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 3, "tTwW".contains(parts[1]), let a = UInt64(parts[0], radix: 16) else { continue }
                if out[String(parts[2])] == nil { out[String(parts[2])] = a }
            }
        }
        return out
    }

    static func run(_ tool: String, _ arguments: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let dir = path.split(separator: ":").first(where: { access(String($0) + "/" + tool, X_OK) == 0 }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: String(dir) + "/" + tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
