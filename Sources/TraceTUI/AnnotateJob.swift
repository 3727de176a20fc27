import TraceModel

/// objdump's text for a symbol of a binary (`objdump -d -l -S --disassemble=SYMBOL`): the capture layer runs
/// it (`Disassembler`); the app core starts no processes, so the host hands it in (`TraceApp.disassembler`).
public typealias Disassemble = @Sendable (_ binary: String, _ symbol: String) throws -> String

/// `a` on a hotspot entry: the function's samples per offset read from the store and its disassembly, off the
/// UI thread (objdump runs for a while on a large binary) — the same model `tracetui annotate` prints.
struct AnnotateRequest: Sendable {
    var store: EventStore
    var symbol: String
    var disassemble: Disassemble?

    func run() -> AnnotateResult {
        let (offsets, dso, samples) = Annotation.offsets(of: symbol, in: store)
        guard samples > 0, let dso else {
            return AnnotateResult(symbol: symbol, failure: "no samples with \(symbol)+0x… as their innermost frame: nothing to annotate")
        }
        guard let disassemble else {
            return AnnotateResult(symbol: symbol, failure: "no disassembler here: `tracetui annotate FILE \(symbol)` prints it")
        }
        let text: String
        do {
            text = try disassemble(dso, symbol)
        } catch {
            return AnnotateResult(symbol: symbol, failure: "\(error)")
        }
        let disassembly = Disassembly(objdump: text, symbol: symbol)
        guard disassembly.instructionCount > 0 else {
            return AnnotateResult(symbol: symbol, failure: "objdump found no \(symbol) in \(dso)")
        }
        let annotation = Annotation(symbol: symbol, dso: HotspotTable.shortDso(dso), disassembly: disassembly,
                                    offsets: offsets, samples: samples)
        return AnnotateResult(symbol: symbol, annotation: annotation)
    }
}

/// What an annotate job built: the annotation, or the one line saying why there is none.
struct AnnotateResult: Sendable {
    var symbol: String
    var annotation: Annotation?
    var failure: String?
}
