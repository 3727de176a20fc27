/// A key press or terminal event, as the app sees it: independent of ncurses' codes.
public enum Key: Sendable, Hashable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete
    case function(Int)
    /// The wheel, with the screen column the mouse was on when the terminal reports it (the timeline zooms there).
    case wheelUp(column: Int? = nil), wheelDown(column: Int? = nil)
    case resize

    /// A wheel turn: up or down, and the column the mouse was on (nil: not known); nil for any other key.
    public var wheel: (up: Bool, column: Int?)? {
        switch self {
        case .wheelUp(let column): return (true, column)
        case .wheelDown(let column): return (false, column)
        default: return nil
        }
    }

    /// The name the help screen and README show for this key.
    public var label: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .delete: return "Del"
        case .function(let n): return "F\(n)"
        case .wheelUp: return "wheel up"
        case .wheelDown: return "wheel down"
        case .resize: return "resize"
        }
    }
}
