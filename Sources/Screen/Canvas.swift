/// One cell of a canvas: a scalar (or a space), and the role that colours it.
public struct Cell: Sendable, Hashable {
    public var scalar: Unicode.Scalar
    public var role: Role
    /// True for the right half of a double-width scalar; the terminal skips it.
    public var isContinuation: Bool

    public init(_ scalar: Unicode.Scalar = " ", role: Role = .normal, isContinuation: Bool = false) {
        self.scalar = scalar
        self.role = role
        self.isContinuation = isContinuation
    }
}

/// An in-memory grid of cells that views draw into; the terminal backend presents it, tests read it as text.
public struct Canvas: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should sit (for prompts); nil hides it.
    public var cursor: (x: Int, y: Int)?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public static func == (a: Canvas, b: Canvas) -> Bool {
        a.width == b.width && a.height == b.height && a.cursor?.x == b.cursor?.x && a.cursor?.y == b.cursor?.y
            && a.cells == b.cells
    }

    /// Whether row `y` holds the same cells in both canvases (of the same width).
    public func rowEquals(_ y: Int, _ other: Canvas) -> Bool {
        let start = y * width
        for x in 0..<width where cells[start + x] != other.cells[start + x] { return false }
        return true
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Paints a rectangle with spaces of one role.
    public mutating func fill(_ rect: Rect, role: Role) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x] = Cell(" ", role: role) }
        }
    }

    /// Writes text at (x, y), clipped to `limit` (default: the row's end); returns the column after it.
    /// Control characters show as `·` so that no byte of a trace can move the terminal's cursor.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, role: Role, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let end = min(width, limit ?? width)
        var col = x
        for scalar in text.unicodeScalars {
            if col >= end { break }
            let s: Unicode.Scalar = (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) ? "·" : scalar
            let w = TextWidth.of(s)
            if w == 0 { continue }
            if col + w > end { break }
            if col >= 0 {
                cells[y * width + col] = Cell(s, role: role)
                if w == 2 { cells[y * width + col + 1] = Cell(" ", role: role, isContinuation: true) }
            }
            col += w
        }
        return col
    }

    /// Changes the role of cells already drawn, keeping their text (selection bars, search highlights).
    public mutating func restyle(_ rect: Rect, role: Role) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x].role = role }
        }
    }

    /// Draws a box border around `rect` with an optional title.
    public mutating func box(_ rect: Rect, title: String? = nil, role: Role = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let top = String(repeating: "─", count: rect.width - 2)
        put("┌" + top + "┐", x: rect.x, y: rect.y, role: role)
        put("└" + top + "┘", x: rect.x, y: rect.maxY - 1, role: role)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put("│", x: rect.x, y: y, role: role)
            put("│", x: rect.maxX - 1, y: y, role: role)
        }
        if let title, rect.width > 6 {
            put(" \(title) ", x: rect.x + 2, y: rect.y, role: role, limit: rect.maxX - 2)
        }
    }

    /// One row as plain text, trailing spaces kept (for snapshot tests).
    public func row(_ y: Int) -> String {
        var s = String.UnicodeScalarView()
        for x in 0..<width where !cells[y * width + x].isContinuation {
            s.append(cells[y * width + x].scalar)
        }
        return String(s)
    }

    /// All rows, trailing spaces trimmed, joined by newlines.
    public var text: String {
        (0..<height).map { row($0).trimmingTrailingSpaces() }.joined(separator: "\n")
    }

    /// The role of each cell of a row as one character per cell, from `legend` (tests of colouring).
    public func roles(ofRow y: Int) -> [Role] {
        (0..<width).map { cells[y * width + $0].role }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
