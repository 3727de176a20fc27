import CTracefs
import Testing
@testable import TraceModel

/// The live and trace.dat formatters print the flags column with the kernel's letters, and the parser reads
/// back every combination they print.
@Suite("Latency flag letters")
struct LatencyFlagsTests {
    @Test func irqsOffLettersFollowTheKernel() {
        #expect(Character(Unicode.Scalar(UInt8(tt_irqs_off_char(0x00)))) == ".")
        #expect(Character(Unicode.Scalar(UInt8(tt_irqs_off_char(0x01)))) == "d")
        #expect(Character(Unicode.Scalar(UInt8(tt_irqs_off_char(0x80)))) == "b")
        #expect(Character(Unicode.Scalar(UInt8(tt_irqs_off_char(0x81)))) == "D")
    }

    @Test func needReschedLettersFollowTheKernel() {
        let expected: [(UInt32, Character)] = [(0, "."), (0x04, "n"), (0x20, "p"), (0x02, "l"), (0x24, "N"),
                                               (0x22, "L"), (0x06, "b"), (0x26, "B")]
        for (flags, letter) in expected {
            #expect(Character(Unicode.Scalar(UInt8(tt_need_resched_char(flags)))) == letter, "flags \(flags)")
        }
    }

    @Test func everyFlagsByteThePrinterWritesParsesBack() {
        var text = ""
        for flags in UInt32(0)..<256 {
            let irq = Character(Unicode.Scalar(UInt8(tt_irqs_off_char(flags))))
            let resched = Character(Unicode.Scalar(UInt8(tt_need_resched_char(flags))))
            text += "           bash-1       [000] \(irq)\(resched)..1 10.000001: e: flags=\(flags)\n"
        }
        let storage = OwnedBytes(Array(text.utf8))
        var store = EventStore()
        store.append(PieceParser(tracer: nil).parse(storage, range: 0..<storage.bytes.count))
        #expect(store.count == 256)
        #expect(store.summary.unparsed == 0)
        for flags in UInt32(0)..<256 where Int(flags) < store.count {
            let row = store.row(Int(flags))
            #expect(row.flags.irqsOff == Character(Unicode.Scalar(UInt8(tt_irqs_off_char(flags)))))
            #expect(row.flags.needResched == Character(Unicode.Scalar(UInt8(tt_need_resched_char(flags)))))
        }
    }
}
