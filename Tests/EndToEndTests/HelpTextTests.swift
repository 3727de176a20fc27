import Foundation
import Testing
import TraceModel

extension EndToEnd {
    /// Every subcommand's `--help` as an 80-column terminal shows it, against the strings it is made from
    /// (`--experimental-dump-help`, the same definitions the man page is generated from).
    @Suite("--help at 80 columns")
    struct HelpText {
        /// One command of the tree: its words after `tracetui` and its help strings.
        struct CommandHelp {
            var path: [String]
            var discussion: String
            var name: String { (["tracetui"] + path).joined(separator: " ") }
        }

        static func commands() throws -> [CommandHelp] {
            let result = try CommandResult.run(try Fixture.binary(), ["--experimental-dump-help"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let root = try #require(json?["command"] as? [String: Any], "no command in \(result.stdout.prefix(200))")
            var found: [CommandHelp] = []
            func walk(_ node: [String: Any], _ path: [String]) {
                found.append(CommandHelp(path: path, discussion: node["discussion"] as? String ?? ""))
                for sub in node["subcommands"] as? [[String: Any]] ?? [] {
                    guard let name = sub["commandName"] as? String, name != "help" else { continue }
                    walk(sub, path + [name])
                }
            }
            walk(root, [])
            return found
        }

        static func help(_ command: CommandHelp) throws -> String {
            let result = try CommandResult.run("/usr/bin/env", ["COLUMNS=80", try Fixture.binary()] + command.path + ["--help"])
            #expect(result.status == 0, "\(command.name) --help: \(result.stderr)")
            return result.stdout
        }

        /// A discussion's lines that form a block (consecutive lines, no blank line between) were laid out by
        /// hand, like a table: ArgumentParser wraps each line on its own, so a line wider than the terminal is
        /// cut into a short tail that breaks the sentence and the columns. Each such line must therefore come
        /// out whole. A paragraph that is one line is wrapped at word boundaries and reads well at any width.
        /// Lines over 80 columns are counted too, except USAGE (ArgumentParser never wraps it).
        @Test func noHelpBreaksASentenceAt80Columns() throws {
            let commands = try Self.commands()
            #expect(commands.count >= 14, "subcommands found: \(commands.map(\.name))")
            for command in commands {
                let output = try Self.help(command)
                let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                for line in output.split(separator: "\n") where line.count > 80 && !line.hasPrefix("USAGE:") {
                    Issue.record("\(command.name) --help has a line of \(line.count) columns: \(line)")
                }
                let blocks = command.discussion.components(separatedBy: "\n\n").map { $0.split(separator: "\n") }
                for block in blocks where block.count > 1 {
                    for sourceLine in block {
                        let text = sourceLine.trimmingCharacters(in: .whitespaces)
                        #expect(lines.contains(text),
                                "\(command.name) --help re-wraps a hand-laid line of its discussion: \(text)\n\(output)")
                    }
                }
            }
        }

        /// The words a help text uses for each format `InputFormat` detects (a new case must be named here,
        /// and so in the help: the switch has no default).
        static func words(_ format: InputFormat) -> [String] {
            switch format {
            case .ftraceText: return ["ftrace text", "function_graph", "uftrace replay text"]
            case .traceCmdReport: return ["trace-cmd report"]
            case .perfScript: return ["perf script"]
            case .chromeJSON: return ["Chrome trace-event JSON"]
            case .traceDat: return ["trace.dat"]
            case .folded: return ["folded stacks"]
            case .perfData: return ["perf.data"]
            case .gzip: return [".gz"]
            case .zstd: return [".zst"]
            }
        }

        /// The commands that open any trace name every format tracetui reads, and uftrace.data directories
        /// (read through `UftraceDataDirectory`, not a detected format).
        @Test func readingCommandsNameEveryFormat() throws {
            let readers = [["replay"], ["stat"], ["graph"], ["report"], ["dump"], ["latency"], ["timeline"]]
            for path in readers {
                let output = try Self.help(CommandHelp(path: path, discussion: ""))
                let prose = output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                for word in InputFormat.allCases.flatMap(Self.words) + ["uftrace.data"] {
                    #expect(prose.contains(word), "tracetui \(path[0]) --help does not name \(word)")
                }
            }
        }
    }
}
