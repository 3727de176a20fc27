import Screen
import TraceModel

/// `--host`: the panes show one machine at a time — this one (its own sampler), or a remote host whose capture
/// sent its /proc samples along with its events (`ProcStream`). `h` steps through them; until then the panes
/// follow a stream filter that keeps one host (`host == db1`), else show this machine.
extension SystemPanesView {
    /// The machine shown: 0 this one, k the store's host k-1.
    func shownHost(_ ctx: ViewContext) -> Int {
        let names = ctx.store.hostNames
        if let pickedHost, pickedHost <= names.count { return pickedHost }
        if let only = filterHosts, only.count == 1, let h = only.first, Int(h) < names.count { return Int(h) + 1 }
        return 0
    }

    func shownName(_ ctx: ViewContext) -> String {
        let k = shownHost(ctx)
        return k == 0 ? "this machine" : ctx.store.hostName(UInt16(k - 1))
    }

    /// `h`: the next machine (this one, then each host in turn).
    mutating func nextHost(_ ctx: ViewContext) {
        pickedHost = (shownHost(ctx) + 1) % (ctx.store.hostNames.count + 1)
    }

    func renderHost(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        let k = shownHost(ctx)
        let name = shownName(ctx)
        let others = "h: next host"
        guard k > 0 else {
            let note = [ctx.systemSample.note, others].compactMap { $0 }.joined(separator: "  ")
            render(ctx.system, at: ctx.systemSample.index, note: note, machine: name, into: &canvas, in: rect)
            return
        }
        guard let history = ctx.snapshot.hostSystems[name], !history.isEmpty else {
            let why = ctx.isLive ? "none came from \(name) yet (a tracetui there older than this one sends none)"
                : "none were recorded for \(name) (no \(name).txt.proc beside its file)"
            render(nil, at: nil, note: why + "  " + others, machine: name, into: &canvas, in: rect)
            return
        }
        let (index, said) = Self.sampleIndex(history, ctx)
        let bad = ctx.snapshot.live?.hosts.first { $0.name == name }?.unreadableSamples ?? 0
        let unreadable = bad > 0 ? "\(bad) samples unreadable" : nil
        let note = [said, unreadable, others].compactMap { $0 }.joined(separator: "  ")
        render(history, at: index, note: note, machine: name, into: &canvas, in: rect)
    }

    /// The sample whose interval holds the stream cursor's time (the newest one live), as for this machine's.
    static func sampleIndex(_ h: ProcHistory, _ ctx: ViewContext) -> (Int?, String?) {
        guard let row = ctx.cursorRow, !(ctx.isLive && !ctx.paused) else { return (h.count - 1, "newest sample") }
        guard ctx.store.summary.clock == .seconds else { return (nil, "the trace's clock is not in seconds") }
        let t = ctx.store.timestamp(row)
        guard let before = h.index(atOrBefore: t) else { return (nil, "cursor before the first sample") }
        if h.samples[before].monotonic == t { return (before, nil) }
        guard before + 1 < h.count else {
            return ctx.isLive ? (h.count - 1, "newest sample") : (nil, "cursor after the last sample")
        }
        return (before + 1, nil)
    }
}
