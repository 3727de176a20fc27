import Screen

/// A small terminal emulator for tests: replays what a program sent (cursor moves, clears, text; attributes
/// ignored) onto a grid of characters, so a test reads back what a terminal would show.
struct VTReplay {
    private(set) var rows: [[Character]]
    private var x = 0, y = 0
    let width: Int, height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        rows = Array(repeating: Array(repeating: " ", count: width), count: height)
    }

    func row(_ y: Int) -> String { String(rows[y]) }

    mutating func feed(_ bytes: [UInt8]) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x1B, i + 1 < bytes.count {
                if bytes[i + 1] == 0x5B {   // CSI: parameters, intermediates, one final byte
                    var j = i + 2
                    while j < bytes.count, (0x20...0x3F).contains(bytes[j]) { j += 1 }
                    guard j < bytes.count else { return }
                    csi(String(decoding: bytes[(i + 2)..<j], as: UTF8.self), final: bytes[j])
                    i = j + 1
                } else if bytes[i + 1] == 0x28 || bytes[i + 1] == 0x29 {   // character set: ESC ( B
                    i += 3
                } else {
                    i += 2
                }
                continue
            }
            switch b {
            case 0x0D: x = 0; i += 1
            case 0x0A: y = min(y + 1, height - 1); i += 1
            case 0x08: x = max(x - 1, 0); i += 1
            case 0..<0x20, 0x7F: i += 1
            default:
                let length = b < 0xE0 ? (b < 0xC0 ? 1 : 2) : (b < 0xF0 ? 3 : 4)
                let scalar = String(decoding: bytes[i..<min(i + length, bytes.count)], as: UTF8.self).unicodeScalars.first!
                put(scalar)
                i += length
            }
        }
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        guard y < height else { return }
        if x < width { rows[y][x] = Character(scalar) }
        let w = TextWidth.of(scalar)
        if w == 2, x + 1 < width { rows[y][x + 1] = " " }
        x = min(x + max(w, 1), width)
    }

    private mutating func csi(_ parameters: String, final: UInt8) {
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        func n(_ k: Int, _ fallback: Int) -> Int { k < numbers.count && numbers[k] > 0 ? numbers[k] : fallback }
        guard !parameters.hasPrefix("?") else { return }
        switch final {
        case 0x48, 0x66:   // H, f: row;column
            y = min(n(0, 1) - 1, height - 1)
            x = min(n(1, 1) - 1, width - 1)
        case 0x4A:   // J: 2 or 3 clears all, 0 to the end
            let mode = numbers.first ?? 0
            for r in 0..<height where mode >= 2 || r > y || (r == y) {
                for c in 0..<width where mode >= 2 || r > y || c >= x { rows[r][c] = " " }
            }
        case 0x4B:   // K: to the end of the line
            for c in x..<width { rows[y][c] = " " }
        case 0x47:   // G: column
            x = min(n(0, 1) - 1, width - 1)
        case 0x41: y = max(y - n(0, 1), 0)
        case 0x42: y = min(y + n(0, 1), height - 1)
        case 0x43: x = min(x + n(0, 1), width - 1)
        case 0x44: x = max(x - n(0, 1), 0)
        default: break
        }
    }
}
