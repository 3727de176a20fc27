import CNcurses
import Screen

extension Key {
    /// The key for a code wget_wch returned with KEY_CODE_YES; nil for keys the app has no name for.
    /// KEY_MOUSE is not handled here: it needs getmouse.
    init?(ncursesKeyCode code: Int32) {
        switch code {
        case KEY_UP: self = .up
        case KEY_DOWN: self = .down
        case KEY_LEFT: self = .left
        case KEY_RIGHT: self = .right
        // Keypad and rxvt/screen-style variants: some terminfo entries send these for the same keys.
        case KEY_PPAGE, KEY_A3: self = .pageUp
        case KEY_NPAGE, KEY_C3: self = .pageDown
        case KEY_HOME, KEY_FIND, KEY_A1: self = .home
        case KEY_END, KEY_SELECT, KEY_C1, KEY_LL: self = .end
        case KEY_ENTER: self = .enter
        case KEY_BACKSPACE: self = .backspace
        case KEY_BTAB: self = .backTab
        case KEY_DC: self = .delete
        case KEY_RESIZE: self = .resize
        case tui_key_f(1)...tui_key_f(12): self = .function(Int(code - tui_key_f(0)))
        default: return nil
        }
    }

    /// The key for a character wget_wch returned with OK; nil for control characters without a name
    /// (NUL, Ctrl-\ … Ctrl-_, C1 controls), so that they never reach a text prompt.
    init?(ncursesCharacter value: UInt32) {
        switch value {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .ctrl(Character(Unicode.Scalar(UInt8(0x60 + value))))
        case 0..<0x20, 0x80..<0xA0: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            self = .char(Character(scalar))
        }
    }
}
