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
        for l in leaves where l.offset != nil && !HotspotTable.isKernel(l.dso) && l.dso.hasPrefix("/") {
            byDso[l.dso, default: []].append(l)
        }
        var out: [SourceLineTable.Leaf: String] = [:]
        for (dso, items) in byDso where access(dso, R_OK) == 0 {
            let symbols = addresses(of: dso)
            var asked: [SourceLineTable.Leaf] = []
            var args = ["-e", dso]
            for l in items {
                guard let start = symbols[l.symbol], let offset = l.offset else { continue }
                asked.append(l)
                args.append("0x" + String(start &+ offset, radix: 16))
            }
            guard !asked.isEmpty, let text = run("addr2line", args) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, l) in asked.enumerated() where i < lines.count {
                // `/src/hot.c:6 (discriminator 3)` → hot.c:6; `??:0` / `??:?` → unknown.
                let where_ = lines[i].split(separator: " ").first.map(String.init) ?? ""
                guard !where_.hasPrefix("??"), let colon = where_.lastIndex(of: ":"),
                      where_[where_.index(after: colon)...] != "?", where_[where_.index(after: colon)...] != "0" else { continue }
                let file = where_[..<colon].split(separator: "/").last.map(String.init) ?? ""
                out[l] = file + where_[colon...]
            }
        }
        return out
    }

    /// perf's `symbol_size`: each leaf's function size from its binary's symbol table (`nm -S`), nil where
    /// the binary, the symbol or its size is not to be had (the kernel's are not read).
    public static func sizes(_ leaves: [SourceLineTable.Leaf]) -> [SourceLineTable.Leaf: UInt64] {
        var out: [SourceLineTable.Leaf: UInt64] = [:]
        var table: [String: [String: UInt64]] = [:]
        for l in leaves where !HotspotTable.isKernel(l.dso) && l.dso.hasPrefix("/") && access(l.dso, R_OK) == 0 {
            if table[l.dso] == nil {
                var sizes: [String: UInt64] = [:]
                for args in [["-S", "--defined-only", l.dso], ["-S", "--defined-only", "-D", l.dso]] {
                    guard let text = run("nm", args) else { continue }
                    for line in text.split(separator: "\n") {
                        let parts = line.split(separator: " ")
                        guard parts.count == 4, "tTwW".contains(parts[2]), let size = UInt64(parts[1], radix: 16) else { continue }
                        if sizes[String(parts[3])] == nil { sizes[String(parts[3])] = size }
                    }
                }
                table[l.dso] = sizes
            }
            if let size = table[l.dso]?[l.symbol] { out[l] = size }
        }
        return out
    }

    /// The defined functions' addresses (`nm --defined-only`), the first of a name kept.
    static func addresses(of binary: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for name in [["--defined-only", binary], ["--defined-only", "-D", binary]] {
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
