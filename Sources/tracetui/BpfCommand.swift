import ArgumentParser
import Foundation
import TraceCapture
import TraceModel

/// `tracetui bpf`: the BPF pane's content once (programs and maps), for scripts.
struct BpfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bpf",
        abstract: "List the loaded BPF programs (attach point, loader, run count and time) and maps, like `bpftool prog show` (root).")

    @Option(help: "table or json")
    var format: Format = .table

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let inv = BpfReader().read()
        if let e = inv.error { throw ValidationFailure(e) }
        print(format == .json ? BpfReport.json(inv) : BpfReport.table(inv), terminator: "")
    }
}
