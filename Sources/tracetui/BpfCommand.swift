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

    @Option(help: ArgumentHelp("Print this map's entries instead (key and value rows, or a log2 histogram when the values look like buckets), like `bpftool map dump id ID`.", valueName: "ID"))
    var map: UInt32?

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let inv = BpfReader().read()
        if let e = inv.error { throw ValidationFailure(e) }
        if let id = map {
            guard let m = inv.map(id: id) else { throw ValidationFailure("no BPF map with id \(id)") }
            let values = BpfMapReader(map: m).read()
            if let e = values.error { throw ValidationFailure(e) }
            print(format == .json ? BpfMapReport.json(m, values) : BpfMapReport.table(m, values), terminator: "")
            return
        }
        print(format == .json ? BpfReport.json(inv) : BpfReport.table(inv), terminator: "")
    }
}
