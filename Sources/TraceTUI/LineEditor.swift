import Screen

/// The one-line prompt for `/`, `f` and `t`: text, a cursor, history-free editing like less's.
public struct LineEditor: Sendable, Equatable {
    public var text: String = ""
    public var cursor: Int = 0

    public init(text: String = "") {
        self.text = text
        cursor = text.count
    }

    public enum Outcome: Equatable { case editing, submitted, cancelled }

    /// Applies a key; Enter submits, Esc cancels, Backspace on an empty line cancels (as in less).
    public mutating func apply(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .submitted
        case .escape, .ctrl("c"), .ctrl("g"): return .cancelled
        case .backspace:
            if text.isEmpty { return .cancelled }
            if cursor > 0 {
                let i = text.index(text.startIndex, offsetBy: cursor - 1)
                text.remove(at: i)
                cursor -= 1
            }
        case .delete:
            if cursor < text.count { text.remove(at: text.index(text.startIndex, offsetBy: cursor)) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"):
            text = ""
            cursor = 0
        case .char(let c):
            text.insert(c, at: text.index(text.startIndex, offsetBy: cursor))
            cursor += 1
        default: break
        }
        return .editing
    }
}
