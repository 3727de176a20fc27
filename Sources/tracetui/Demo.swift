import ArgumentParser
import Foundation

/// `tracetui demo`: the viewer on a real log bundled with the program, no root needed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a bundled real trace (syscalls, scheduler, irqs on a 2-CPU Linux 6.18 VM).")

    @OptionGroup var display: DisplayOptions

    @MainActor
    func run() async throws {
        guard let url = Bundle.module.url(forResource: "demo-trace", withExtension: "txt") else {
            throw ValidationFailure("the bundled demo trace is missing from this build")
        }
        try await Viewer.run(path: url.path, title: "demo-trace.txt", display: display)
    }
}
