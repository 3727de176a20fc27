import Foundation

// Entry point only; the work is in `Bench` (top-level code here is main-actor isolated).
do throws(BenchError) {
    let options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    try await Bench(options: options).run()
} catch {
    if error.isHelp {
        print(error.description)
        exit(0)
    }
    FileHandle.standardError.write(Data("tracetui-bench: \(error.description)\n".utf8))
    exit(1)
}
