/// `tracetui timeline --format svg`: the text picture's lanes as rectangles, one colour per task (by pid, so the
/// same task keeps its colour across windows), for documents.
extension TimelineFormat {
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                          "#9c755f", "#bab0ac"]

    public static func svg(_ tl: Timeline, _ w: Window) -> String {
        let cols = Swift.max(1, w.width - labelWidth)
        let cw = cellWidth(w, columns: cols)
        let cell = 6, row = 18, left = 110, top = 30
        let taskLanes = tl.taskLanes.filter { w.pids?.contains($0.pid) ?? false }
        let rows = tl.cpus.count + taskLanes.count
        let widthPx = left + cols * cell + 10, heightPx = top + rows * row + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(widthPx)\" height=\"\(heightPx)\" "
            + "font-family=\"monospace\" font-size=\"11\">\n"
        out += "<text x=\"4\" y=\"14\">\(escape("timeline: span \(TimeFormat.duration(nanoseconds: w.to - w.from)), \(tl.switches) switches"))</text>\n"
        for tick in LaneGlyphs.ticks(from: w.from, width: cw, count: cols, origin: tl.start) {
            let x = left + tick.cell * cell
            out += "<line x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(top + rows * row)\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(x + 2)\" y=\"\(top - 8)\" font-size=\"9\">\(escape(tick.label))</text>\n"
        }
        func lane(_ y: Int, _ label: String, _ glyphs: [LaneGlyph]) {
            out += "<text x=\"4\" y=\"\(y + 13)\">\(escape(label))</text>\n"
            var k = 0
            while k < glyphs.count {
                var e = k + 1
                while e < glyphs.count, glyphs[e].task == glyphs[k].task, glyphs[e].kind == glyphs[k].kind { e += 1 }
                let g = glyphs[k]
                if g.task >= 0, g.kind != .idle, g.kind != .sleeping, g.kind != .unknown {
                    let color = palette[Int(tl.pid(g.task).magnitude) % palette.count]
                    let opacity = g.kind == .run ? "1" : "0.45"
                    out += "<rect x=\"\(left + k * cell)\" y=\"\(y + 2)\" width=\"\((e - k) * cell)\" height=\"\(row - 4)\" "
                        + "fill=\"\(color)\" fill-opacity=\"\(opacity)\"><title>\(escape("\(tl.comm(g.task))-\(tl.pid(g.task))"))</title></rect>\n"
                    if g.kind == .run, (e - k) * cell >= 40 {
                        let name = String(glyphs[k..<e].map(\.char).prefix { $0 != "━" })
                        if !name.isEmpty {
                            out += "<text x=\"\(left + k * cell + 2)\" y=\"\(y + 13)\" fill=\"#fff\">\(escape(name))</text>\n"
                        }
                    }
                } else if g.kind == .sleeping {
                    out += "<line x1=\"\(left + k * cell)\" y1=\"\(y + row / 2)\" x2=\"\(left + e * cell)\" y2=\"\(y + row / 2)\" stroke=\"#999\"/>\n"
                }
                k = e
            }
        }
        var y = top
        for cpu in tl.cpus {
            lane(y, tl.hostPrefix(cpu.host) + "cpu \(cpu.cpu)", LaneGlyphs.cpuRow(cpu.cells(from: w.from, width: cw, count: cols), tl))
            for (k, mark) in LaneGlyphs.lostRow(tl, cpu: cpu.cpu, host: cpu.host, from: w.from, width: cw, count: cols).enumerated() where mark {
                out += "<text x=\"\(left + k * cell)\" y=\"\(y + 13)\" fill=\"#d00\">!</text>\n"
            }
            y += row
        }
        for task in taskLanes {
            lane(y, "\(tl.comm(task.slot))-\(task.pid)", LaneGlyphs.taskRow(task, from: w.from, width: cw, count: cols))
            y += row
        }
        return out + "</svg>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 has no place for most control characters.
                if u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) { out += "?" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
