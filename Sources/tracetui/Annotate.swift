import ArgumentParser
import TraceCapture
import TraceModel
import TraceTUI

/// `tracetui annotate FILE SYMBOL`: the function's instructions with the share of its samples on each, source
/// lines between them where the binary has debug info, like `perf annotate --stdio -s SYMBOL`.
struct Annotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annotate a function like `perf annotate --stdio`: samples per instruction, source lines between.",
        discussion: """
            Reads perf.data or perf script text; disassembles with objdump (binutils), as perf does. Kernel \
            functions are not annotated (the kernel image is not read).
            """)

    @Argument(help: "perf.data or perf script text.")
    var file: String

    @Argument(help: "The function (as the hotspot table names it).")
    var symbol: String

    @Option(help: "The binary to disassemble, when it moved since the recording.")
    var binary: String?

    @Option(help: "The objdump to run.")
    var objdump: String?

    @OptionGroup var inputFlags: InputFlags

    func run() async throws {
        let store: EventStore
        do {
            store = try await inputFlags.open(file, populate: true).load()
        } catch {
            throw ValidationFailure(error.description)
        }
        let (offsets, dso, samples) = Annotation.offsets(of: symbol, in: store)
        guard samples > 0, let dso else {
            throw ValidationFailure("no samples in \(symbol) (perf samples whose innermost frame is \(symbol)+0x…)")
        }
        if HotspotTable.isKernel(dso) {
            printSafe("\(symbol) is kernel code (\(dso)): tracetui does not read the kernel image, so it is not annotated")
            return
        }
        let text: String
        do {
            text = try Disassembler.disassemble(binary ?? dso, symbol: symbol, objdump: objdump)
        } catch {
            throw ValidationFailure(error.description)
        }
        let disassembly = Disassembly(objdump: text, symbol: symbol)
        guard disassembly.instructionCount > 0 else {
            throw ValidationFailure("objdump found no \(symbol) in \(binary ?? dso)")
        }
        let annotation = Annotation(symbol: symbol, dso: HotspotTable.shortDso(dso), disassembly: disassembly,
                                    offsets: offsets, samples: samples)
        printSafe(annotation.text(), terminator: "")
    }
}

extension Annotate {
    /// The viewer's `a` (hotspot view): objdump run by the capture layer, inside the app's annotate job.
    static let viewerDisassembler: TraceTUI.Disassemble = { binary, symbol in
        do { return try Disassembler.disassemble(binary, symbol: symbol) } catch { throw ValidationFailure("\(error)") }
    }
}
