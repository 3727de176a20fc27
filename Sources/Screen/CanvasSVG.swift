/// A canvas as an SVG picture in a theme's colours: what a user of a 256-colour terminal sees, for the README and
/// docs (`tracetui demo --screenshot`), made from the same cells the terminal is given.
public enum CanvasSVG {
    /// The picture's geometry and the colours a theme's `default` stands for (a dark terminal's).
    public struct Options: Sendable {
        public var fontSize = 14.0
        /// A monospace cell is 0.6 em wide (DejaVu Sans Mono, Liberation Mono, Menlo).
        public var cellWidth = 8.4
        public var cellHeight = 17.0
        public var defaultForeground = "#d0d0d0"
        public var defaultBackground = "#1c1c1c"
        public init() {}
    }

    /// The SVG text of `canvas` drawn with `theme`: one rectangle per run of a background colour, one `tspan`
    /// per run of a style, each placed at its column so that the grid holds whatever font the viewer picks.
    public static func render(_ canvas: Canvas, theme: Theme, options: Options = Options()) -> String {
        let o = options
        let w = Double(canvas.width) * o.cellWidth, h = Double(canvas.height) * o.cellHeight
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(w))" height="\(fmt(h))" viewBox="0 0 \(fmt(w)) \(fmt(h))" \
            font-family="'DejaVu Sans Mono','Liberation Mono',Menlo,Consolas,monospace" font-size="\(fmt(o.fontSize))">
            <rect width="100%" height="100%" fill="\(o.defaultBackground)"/>

            """
        for y in 0..<canvas.height {
            let top = Double(y) * o.cellHeight
            var spans: [(x: Int, width: Int, text: String, colors: (fg: String, bg: String), attributes: TextAttributes)] = []
            var x = 0
            while x < canvas.width {
                let cell = canvas[x, y]
                let style = theme.style(for: cell.role)
                let colors = self.colors(style, o)
                var text = String(cell.scalar)
                var end = x + 1
                while end < canvas.width {
                    let next = canvas[end, y]
                    if next.isContinuation { end += 1; continue }
                    let s = theme.style(for: next.role)
                    guard s.attributes == style.attributes, self.colors(s, o) == colors else { break }
                    text.unicodeScalars.append(next.scalar)
                    end += 1
                }
                spans.append((x, end - x, text, colors, style.attributes))
                x = end
            }
            for s in spans where s.colors.bg != o.defaultBackground {
                out += "<rect x=\"\(fmt(Double(s.x) * o.cellWidth))\" y=\"\(fmt(top))\" width=\"\(fmt(Double(s.width) * o.cellWidth))\" "
                    + "height=\"\(fmt(o.cellHeight))\" fill=\"\(s.colors.bg)\"/>\n"
            }
            let baseline = top + o.cellHeight * 0.78
            var line = ""
            for s in spans where s.text.contains(where: { $0 != " " }) {
                line += "<tspan x=\"\(fmt(Double(s.x) * o.cellWidth))\" fill=\"\(s.colors.fg)\"\(attributes(s.attributes))>"
                    + escape(s.text) + "</tspan>"
            }
            if !line.isEmpty {
                out += "<text y=\"\(fmt(baseline))\" xml:space=\"preserve\">\(line)</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// Foreground and background as `#rrggbb`, swapped for `reverse`, the foreground faded for `dim`.
    static func colors(_ style: Style, _ o: Options) -> (fg: String, bg: String) {
        var fg = hex(style.foreground) ?? o.defaultForeground
        var bg = hex(style.background) ?? o.defaultBackground
        if style.attributes.contains(.reverse) { swap(&fg, &bg) }
        if style.attributes.contains(.dim) { fg = mix(fg, bg) }
        return (fg, bg)
    }

    private static func attributes(_ a: TextAttributes) -> String {
        var s = ""
        if a.contains(.bold) { s += " font-weight=\"bold\"" }
        if a.contains(.italic) { s += " font-style=\"italic\"" }
        if a.contains(.underline) { s += " text-decoration=\"underline\"" }
        return s
    }

    /// xterm's colours: the 16 ANSI ones, the 6×6×6 cube and the grey ramp.
    static func hex(_ color: TerminalColor) -> String? {
        guard case .indexed(let n) = color else { return nil }
        let ansi: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let (r, g, b) = n < 16 ? ansi[Int(n)] : TerminalColor.rgb(of: n)
        return "#" + [r, g, b].map { hexByte($0) }.joined()
    }

    private static func mix(_ a: String, _ b: String) -> String {
        func parts(_ s: String) -> [Int] {
            let d = Array(s.utf8.dropFirst())
            return stride(from: 0, to: 6, by: 2).map { Int(String(decoding: d[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0 }
        }
        let (p, q) = (parts(a), parts(b))
        return "#" + (0..<3).map { hexByte((p[$0] + q[$0]) / 2) }.joined()
    }

    private static func hexByte(_ v: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[(v >> 4) & 15], digits[v & 15]])
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Numbers with at most two decimals, no trailing zeros (a picture identical from run to run).
    private static func fmt(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let whole = hundredths / 100, frac = hundredths % 100
        if frac == 0 { return String(whole) }
        return frac % 10 == 0 ? "\(whole).\(frac / 10)" : "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
