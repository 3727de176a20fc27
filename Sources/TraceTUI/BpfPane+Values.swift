import Screen
import TraceModel

/// `--bpf`: the entries of the object's maps under the lists, refreshed with every sample — a log2 histogram
/// the bcc way when a map looks like buckets (`Log2Histogram`), else key and value rows.
extension BpfPane {
    static func valueLines(_ inv: BpfInventory) -> [(String, Role)] {
        var out: [(String, Role)] = []
        for v in inv.values {
            guard let map = inv.map(id: v.mapID) else { continue }
            let kind = Log2Histogram.from(v, of: map) != nil ? "log2 histogram" : "\(v.entries.count) entries"
            out.append((" map \(map.id) \(map.name) (\(map.type)): \(kind)", .header))
            out += BpfMapReport.lines(map, v).map { (" " + $0, v.error == nil ? .normal : .error) }
        }
        return out
    }

    static func valueLineCount(_ inv: BpfInventory) -> Int { valueLines(inv).count }

    static func renderValues(_ inv: BpfInventory, into canvas: inout Canvas, in rect: Rect) {
        let lines = valueLines(inv)
        var y = rect.y
        for (k, line) in lines.enumerated() where y < rect.maxY {
            if y == rect.maxY - 1, k < lines.count - 1 {
                canvas.put(" +\(lines.count - k) more lines", x: rect.x, y: y, role: .dim, limit: rect.maxX)
                break
            }
            if line.1 == .header { canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .header) }
            canvas.put(line.0, x: rect.x, y: y, role: line.1, limit: rect.maxX)
            y += 1
        }
    }
}
