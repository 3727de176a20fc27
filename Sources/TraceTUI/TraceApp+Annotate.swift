import TraceModel

/// `a` in the hotspot view: the entry's function annotated in a pane over the table (`AnnotateView`), built by
/// a job (the samples' offsets and objdump's disassembly), never on the UI thread.
extension TraceApp {
    mutating func requestAnnotate() {
        guard var view = hotspots else { return }
        guard view.source.kind == .samples else {
            say("annotate needs samples: durations and counts have no instructions")
            return
        }
        guard let symbol = view.selectedSymbol else {
            say("no symbol here: sort by a key with the symbol (s) to annotate")
            return
        }
        view.annotate = AnnotateView(symbol: symbol)
        hotspots = view
        jobGeneration += 1
        let job = HotspotJob(generation: jobGeneration,
                             work: .annotate(AnnotateRequest(store: store, symbol: symbol, disassemble: disassembler)))
        emit(.run(Job(key: "hotspots.annotate") { _ in .hotspots(await job.run()) }))
    }
}
