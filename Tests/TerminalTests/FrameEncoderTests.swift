import Screen
import Testing
@testable import Terminal

/// The bytes a frame becomes, replayed on a small emulator: what the terminal shows equals the canvas after
/// every frame, whatever changed, and a frame with no change is no bytes.
@Suite("Frame encoder")
struct FrameEncoderTests {
    static let pens: [Role: [UInt8]] = [.status: Array("\u{1B}[7m".utf8), .time: Array("\u{1B}[36m".utf8)]

    @Test func everyFrameOfRandomEditsReplaysToItsCanvas() {
        var generator = SplitMix(seed: 7)
        let encoder = FrameEncoder(codes: .ansi(pens: Self.pens))
        var terminal = VTReplay(width: 30, height: 8)
        var shown: Canvas? = nil
        var canvas = Canvas(width: 30, height: 8)
        var visible = false
        let words = ["sched_switch", "wörld", "─┼─", "中文", "x", "  ", "irq", "██▒░"]
        let roles: [Role] = [.normal, .status, .time, .selected]
        for frame in 0..<300 {
            for _ in 0..<Int(generator.next() % 4) {
                let word = words[Int(generator.next() % UInt64(words.count))]
                canvas.put(word, x: Int(generator.next() % 30), y: Int(generator.next() % 8),
                           role: roles[Int(generator.next() % UInt64(roles.count))])
            }
            var bytes: [UInt8] = []
            encoder.encode(canvas, over: shown, columns: 30, rows: 8, cursorVisible: &visible, into: &bytes)
            terminal.feed(bytes)
            for y in 0..<8 {
                #expect(terminal.row(y) == Self.shownText(canvas, y), "frame \(frame), row \(y)")
            }
            if shown == canvas { #expect(bytes.isEmpty, "frame \(frame): nothing changed") }
            shown = canvas
        }
    }

    @Test func oneChangedCellIsOneMoveAndOneGlyph() {
        let encoder = FrameEncoder(codes: .ansi())
        var a = Canvas(width: 40, height: 4)
        a.put("hello world", x: 2, y: 2, role: .normal)
        var b = a
        b.put("W", x: 8, y: 2, role: .normal)
        var visible = false
        var bytes: [UInt8] = []
        encoder.encode(b, over: a, columns: 40, rows: 4, cursorVisible: &visible, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}[3;9HW")
    }

    @Test func aTerminalThatWrapsAtItsLastCellNeverGetsIt() {
        var codes = TerminalCodes.ansi()
        codes.wrapsAtLastCell = true
        var canvas = Canvas(width: 5, height: 2)
        canvas.put("abcde", x: 0, y: 1, role: .normal)
        var visible = false
        var bytes: [UInt8] = []
        FrameEncoder(codes: codes).encode(canvas, over: nil, columns: 5, rows: 2, cursorVisible: &visible, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}[2;1Habcd")
    }

    @Test func theCursorIsShownWhereTheCanvasAsksAndHiddenAfter() {
        let encoder = FrameEncoder(codes: .ansi())
        var canvas = Canvas(width: 10, height: 3)
        canvas.cursor = (x: 4, y: 1)
        var visible = false
        var bytes: [UInt8] = []
        encoder.encode(canvas, over: Canvas(width: 10, height: 3), columns: 10, rows: 3, cursorVisible: &visible, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}[2;5H\u{1B}[?25h" && visible)
        var hidden = canvas
        hidden.cursor = nil
        bytes.removeAll()
        encoder.encode(hidden, over: canvas, columns: 10, rows: 3, cursorVisible: &visible, into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}[?25l" && !visible)
    }

    /// A canvas row as a terminal shows it: continuation cells are the right halves of wide characters, and a
    /// wide character whose right half was drawn over is a `?` (it no longer fits its one column).
    static func shownText(_ canvas: Canvas, _ y: Int) -> String {
        var out = ""
        for x in 0..<canvas.width {
            let cell = canvas[x, y]
            let orphan = TextWidth.of(cell.scalar) == 2 && !(x + 1 < canvas.width && canvas[x + 1, y].isContinuation)
            out.append(cell.isContinuation ? " " : orphan ? "?" : Character(cell.scalar))
        }
        return out
    }
}

/// A small deterministic generator, so a failing frame can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
