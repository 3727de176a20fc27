/// The irq-info flags column (`d..2.`), packed into 16 bits so it can live in a column.
///
/// Bits 0-2 irqs-off, 3-5 need-resched, 6-8 hardirq/softirq, 9-12 preempt depth, 13-15 migrate-disable.
public struct EventFlags: Sendable, Hashable {
    public let raw: UInt16
    public static let absent: UInt16 = 0xFFFF

    public init(raw: UInt16) { self.raw = raw }

    public var isPresent: Bool { raw != Self.absent }

    static let irqChars: [UInt8] = Array(".dDbX".utf8)
    static let reschedChars: [UInt8] = Array(".NnpLBlb".utf8)
    static let contextChars: [UInt8] = Array(".hsHzZ".utf8)

    /// Packs the flags token of a line (4, 5 or 7 characters). Nil when the token is not flags.
    @inline(__always)
    static func pack(_ line: LineBytes, from: Int, to: Int) -> UInt16? {
        let n = to - from
        guard n >= 4, n <= 7, n != 6 else { return nil }
        // PREEMPT_RT's 7-character layout adds lazy-resched and lazy-preempt columns.
        let seven = n == 7
        guard let irq = irqCode(line[from]),
              let resched = reschedCode(line[from + 1]),
              let ctx = contextCode(line[from + (seven ? 3 : 2)]),
              let preempt = depthCode(line[from + (seven ? 4 : 3)]) else { return nil }
        var migrate: UInt16 = 0
        if n >= 5 {
            guard let m = depthCode(line[from + (seven ? 6 : 4)]) else { return nil }
            migrate = min(m, 7)
        }
        return irq | resched << 3 | ctx << 6 | min(preempt, 15) << 9 | migrate << 13
    }

    @inline(__always) private static func irqCode(_ c: UInt8) -> UInt16? {
        switch c {
        case 0x2E: return 0  // .
        case 0x64: return 1  // d
        case 0x44: return 2  // D
        case 0x62: return 3  // b
        case 0x58: return 4  // X
        default: return nil
        }
    }

    @inline(__always) private static func reschedCode(_ c: UInt8) -> UInt16? {
        switch c {
        case 0x2E: return 0  // .
        case 0x4E: return 1  // N
        case 0x6E: return 2  // n
        case 0x70: return 3  // p
        case 0x4C: return 4  // L
        case 0x42: return 5  // B
        case 0x6C: return 6  // l: lazy need-resched only
        case 0x62: return 7  // b: need-resched and lazy
        default: return nil
        }
    }

    @inline(__always) private static func contextCode(_ c: UInt8) -> UInt16? {
        switch c {
        case 0x2E: return 0  // .
        case 0x68: return 1  // h
        case 0x73: return 2  // s
        case 0x48: return 3  // H
        case 0x7A: return 4  // z
        case 0x5A: return 5  // Z
        default: return nil
        }
    }

    @inline(__always) private static func depthCode(_ c: UInt8) -> UInt16? {
        if c == Byte.dot { return 0 }
        if Byte.isDigit(c) { return UInt16(c - 0x30) }
        if (0x61...0x66).contains(c) { return UInt16(c - 0x61 + 10) }
        return nil
    }

    public var irqsOff: Character { Character(Unicode.Scalar(Self.irqChars[Int(raw & 7)])) }
    public var needResched: Character { Character(Unicode.Scalar(Self.reschedChars[Int(raw >> 3 & 7)])) }
    public var context: Character { Character(Unicode.Scalar(Self.contextChars[Int(raw >> 6 & 7)])) }
    public var preemptDepth: Int { Int(raw >> 9 & 15) }
    public var migrateDisable: Int { Int(raw >> 13 & 7) }

    /// A sentence per flag for the detail panel.
    public var explanation: [String] {
        guard isPresent else { return [] }
        var out: [String] = []
        switch irqsOff {
        case "d": out.append("irqs off")
        case "D": out.append("irqs and bottom halves off")
        case "b": out.append("bottom halves off")
        case "X": out.append("irq state not supported")
        default: out.append("irqs on")
        }
        switch needResched {
        case "N": out.append("need-resched set")
        case "n": out.append("need-resched (TIF only)")
        case "p": out.append("need-resched (PREEMPT only)")
        case "L", "B": out.append("need-resched lazy")
        default: break
        }
        switch context {
        case "h": out.append("in hard irq")
        case "s": out.append("in soft irq")
        case "H": out.append("hard irq inside soft irq")
        case "z": out.append("in NMI")
        case "Z": out.append("NMI inside hard irq")
        default: break
        }
        out.append("preempt depth \(preemptDepth)")
        if migrateDisable > 0 { out.append("migrate-disable \(migrateDisable)") }
        return out
    }
}
