import Screen
import TraceModel

/// perf annotate's TUI over the hotspot table (`a`): the function's instructions with the share of its samples
/// on each and objdump's source lines between them, opened on the hottest instruction; `H` / Tab go to the next
/// hottest line (round the cycle, as perf's do), Esc / ← close it. Built by a job (`AnnotateRequest`):
/// "annotating…" meanwhile, or the one line saying why the function cannot be annotated.
struct AnnotateView {
    let symbol: String
    private(set) var annotation: Annotation?
    private(set) var failure: String?
    /// Instruction lines with samples, hottest first, and which of them the cursor went to last.
    private(set) var hot: [Int] = []
    private(set) var hotIndex = 0
    private var list = ScrollList()
    /// Rows shown at the last layout: a hot line jumped to is put in their middle (at the next layout).
    private var height = 1
    private var centerCursor = false

    init(symbol: String) { self.symbol = symbol }

    var isLoading: Bool { annotation == nil && failure == nil }
    var cursor: Int { list.cursor }

    mutating func adopt(_ result: AnnotateResult) {
        annotation = result.annotation
        failure = result.failure
        guard let annotation else { return }
        hot = annotation.hottest
        hotIndex = 0
        if let first = hot.first { goTo(first) }
    }

    private mutating func goTo(_ line: Int) {
        list.cursor = line
        centerCursor = true
    }

    mutating func handle(_ command: Command, pageHeight: Int) -> ViewOutcome {
        switch command {
        case .clearFilter, .zoomOut:
            return .close
        case .hottestEntry, .nextPane:
            guard !hot.isEmpty else { return .message(isLoading ? "annotating…" : "no samples on an instruction") }
            hotIndex = command == .hottestEntry && list.cursor != hot[hotIndex] ? hotIndex : (hotIndex + 1) % hot.count
            goTo(hot[hotIndex])
            return .message("hot line \(hotIndex + 1) of \(hot.count): \(percentText(hot[hotIndex]))%")
        case .annotate:
            return .handled
        default:
            if list.move(command, count: annotation?.lines.count ?? 0, pageHeight: pageHeight) { return .handled }
            return .unhandled
        }
    }

    private func percentText(_ line: Int) -> String {
        guard let annotation else { return "" }
        let label = HotspotTable.percentLabel(annotation.percent(line))
        return String(label.dropLast())
    }

    /// Keeps the cursor among the rows shown (a title and a header above them).
    mutating func layout(in rect: Rect) {
        height = max(1, rect.height - 2)
        if centerCursor {
            list.top = max(0, list.cursor - height / 2)
            centerCursor = false
        }
        list.reveal(height: height)
    }

    func render(into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0, rect.width > 0 else { return }
        canvas.fill(rect, role: .normal)
        let (titleRect, rest) = rect.splitTop(1)
        var title = " Annotate \(symbol)"
        if let annotation {
            title += "  \(annotation.dso)  \(annotation.samples) samples"
            if !hot.isEmpty { title += "  hot \(hotIndex + 1)/\(hot.count)" }
        }
        canvas.put(title, x: titleRect.x, y: titleRect.y, role: .statusAccent, limit: titleRect.maxX)
        guard let annotation else {
            canvas.put(failure ?? "annotating… (objdump runs in the background; Esc closes)", x: rest.x + 1, y: rest.y,
                       role: failure == nil ? .dim : .error, limit: rest.maxX)
            return
        }
        let (header, body) = rest.splitTop(1)
        canvas.fill(header, role: .header)
        canvas.put(" Percent │ address: instruction  (source lines between)", x: header.x, y: header.y, role: .header,
                   limit: header.maxX)
        for row in 0..<body.height {
            let i = list.top + row
            guard i < annotation.lines.count else {
                if i == annotation.lines.count, annotation.unplaced > 0 {
                    canvas.put(" \(annotation.unplaced) of the samples fell between instructions (is the binary the one recorded?)",
                               x: body.x, y: body.y + row, role: .error, limit: body.maxX)
                }
                break
            }
            let line = annotation.lines[i]
            let y = body.y + row
            if let address = line.address {
                let pct = line.weight > 0 ? percentText(i) : ""
                var x = canvas.put(String(repeating: " ", count: max(0, 8 - pct.count)) + pct, x: body.x, y: y,
                                   role: line.weight > 0 ? .time : .dim, limit: body.maxX)
                x = canvas.put(" │ ", x: x, y: y, role: .dim, limit: body.maxX)
                x = canvas.put(String(address, radix: 16) + ":  ", x: x, y: y, role: .cpu, limit: body.maxX)
                canvas.put(line.text, x: x, y: y, role: line.weight > 0 ? .eventFunction : .normal, limit: body.maxX)
            } else {
                let x = canvas.put("         │ ", x: body.x, y: y, role: .dim, limit: body.maxX)
                canvas.put(line.text, x: x, y: y, role: .dim, limit: body.maxX)
            }
            if i == list.cursor { canvas.restyle(Rect(x: body.x, y: y, width: body.width, height: 1), role: .selected) }
        }
    }

    func status() -> [(String, Role)] {
        var parts: [(String, Role)] = [(" annotate", .statusAccent), (" " + symbol, .status)]
        if isLoading { parts.append((" annotating…", .statusAccent)) }
        if !hot.isEmpty { parts.append((" H/Tab next hot line  Esc back", .status)) }
        return parts
    }
}
