/// A column of a text table: its title, width and alignment, and how a row's cell is written. The system panes'
/// disk, network and counter tables are these; the hotspot and dstat columns align their cells the same way.
public struct TextColumn<Row>: Sendable {
    public enum Align: Sendable { case left, right }

    public var title: String
    public var width: Int
    public var align: Align
    public var text: @Sendable (Row) -> String

    public init(_ title: String, width: Int, align: Align = .right, text: @escaping @Sendable (Row) -> String) {
        self.title = title
        self.width = width
        self.align = align
        self.text = text
    }

    /// `s` padded to `width` on the side `align` leaves free; a longer `s` is kept whole (numbers are never
    /// cut) unless `cut`, which ends it with `…`.
    public static func fit(_ s: String, _ width: Int, _ align: Align, cut: Bool = false) -> String {
        let n = s.count
        if n > width, cut, width > 0 { return String(s.prefix(width - 1)) + "…" }
        guard n < width else { return s }
        let pad = String(repeating: " ", count: width - n)
        return align == .right ? pad + s : s + pad
    }
}

/// Columns laid out one after another, `gap` spaces between them: a header line and a line per row.
public struct TextTable<Row>: Sendable {
    public var columns: [TextColumn<Row>]
    public var gap: Int

    public init(_ columns: [TextColumn<Row>], gap: Int = 1) {
        self.columns = columns
        self.gap = gap
    }

    public func header() -> String { line { TextColumn<Row>.fit($0.title, $0.width, $0.align, cut: true) } }

    public func line(_ row: Row) -> String {
        line { TextColumn<Row>.fit($0.text(row), $0.width, $0.align, cut: $0.align == .left) }
    }

    private func line(_ cell: (TextColumn<Row>) -> String) -> String {
        let space = String(repeating: " ", count: gap)
        return columns.map(cell).joined(separator: space)
    }
}
