import ArgumentParser
import TraceCapture
import TraceModel

/// `tracetui dump FILE --format folded`: the trace's stacks as folded text for flame graph tools.
struct Dump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trace in another format (folded stacks for flamegraph.pl / speedscope).")

    @Argument(help: "perf script text, an ftrace log with stacks or function_graph calls, or folded stacks.")
    var file: String

    @Option(help: "folded")
    var format: DumpFormat = .folded

    enum DumpFormat: String, ExpressibleByArgument, CaseIterable { case folded }

    func run() async throws {
        let storage: MappedFile
        do {
            storage = try MappedFile(path: file, populate: true)
        } catch {
            throw ValidationFailure(error.description)
        }
        let source = await HotspotLoader.load(storage)
        guard let text = source.folded() else {
            throw ValidationFailure("no stacks or function_graph calls in \(file)")
        }
        print(text, terminator: "")
    }
}
