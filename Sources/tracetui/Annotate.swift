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
            functions come from a vmlinux with symbols (--vmlinux, or where perf looks for one), else from the \
            running kernel's memory (/proc/kcore at the /proc/kallsyms address): right for recordings of this \
            machine since its last boot.
            """)

    @Argument(help: "perf.data or perf script text.")
    var file: String

    @Argument(help: "The function (as the hotspot table names it).")
    var symbol: String

    @Option(help: "The binary to disassemble, when it moved since the recording.")
    var binary: String?

    @Option(help: "The objdump to run.")
    var objdump: String?

    @Option(help: "The kernel image with symbols, for kernel functions.")
    var vmlinux: String?

    @Option(help: ArgumentHelp("Where kernel memory is read (default /proc/kcore).", visibility: .hidden))
    var kcore = "/proc/kcore"

    @Option(help: "The kernel's symbol table (default /proc/kallsyms), as perf report --kallsyms.")
    var kallsyms = "/proc/kallsyms"

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
        let kernel = HotspotTable.isKernel(dso)
        let text: String
        do {
            if kernel {
                text = try KernelImage.disassemble(symbol, KernelImage.Sources(vmlinux: vmlinux, kcore: kcore, kallsyms: kallsyms),
                                                   objdump: objdump)
            } else {
                text = try Disassembler.disassemble(binary ?? dso, symbol: symbol, objdump: objdump)
            }
        } catch {
            // One line saying why, as perf annotate does when it finds no image of the kernel.
            if kernel {
                printSafe(error.description)
                return
            }
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
        do {
            if HotspotTable.isKernel(binary) { return try KernelImage.disassemble(symbol) }
            return try Disassembler.disassemble(binary, symbol: symbol)
        } catch { throw ValidationFailure("\(error)") }
    }
}
