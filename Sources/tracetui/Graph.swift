import ArgumentParser
import TraceCapture
import TraceModel

/// `tracetui graph FILE`: the function_graph calls merged by call path, like `uftrace graph`.
struct Graph: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the function_graph call-path tree of a log (no UI), like `uftrace graph`.",
        discussion: InputHelp.formats)

    @Argument(help: "A function_graph text log (the `trace` file, `trace_pipe` output or trace-cmd report text).")
    var file: String

    @Option(help: "Only the subtrees of calls to this function.")
    var function: String?

    @Option(help: "Print at most this many levels below each root.")
    var depth: Int?

    @Option(help: "text or json")
    var format: Stat.OutputFormat = .text

    @OptionGroup var inputFlags: InputFlags

    func run() async throws {
        let store: EventStore
        do {
            store = try await inputFlags.open(file).load()
        } catch {
            throw ValidationFailure(error.description)
        }
        let tree = CallTree(store: store)
        guard tree.count > 0 else { throw ValidationFailure("no function_graph calls in \(file)") }
        let paths = CallPathTree(tree, function: function)
        if let function, paths.roots.isEmpty { throw ValidationFailure("no call to \(function) in \(file)") }
        switch format {
        case .text: printSafe(paths.text(maxDepth: depth), terminator: "")
        case .json: printSafe(paths.json(maxDepth: depth))
        }
    }
}
