import Foundation

/// One real sample's body (its `#` header lines dropped), with the position and value of every
/// line's `sec.usec` timestamp, so that copies of it can be re-stamped later in time.
struct SampleTemplate {
    let name: String
    let body: [UInt8]
    /// Byte ranges of the timestamps in `body` (digits and dot, without the colon), in order.
    let stamps: [Range<Int>]
    /// The timestamps in microseconds, parallel to `stamps`.
    let micros: [Int64]
    /// The legend lines of the sample's header, for the generated file's own header.
    let headerLines: [String]

    var firstMicros: Int64 { micros.first ?? 0 }
    var spanMicros: Int64 { (micros.last ?? 0) - firstMicros }

    init(path: String) throws(BenchError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchError("cannot read sample \(path)")
        }
        name = (path as NSString).lastPathComponent
        var body: [UInt8] = []
        var stamps: [Range<Int>] = []
        var micros: [Int64] = []
        var headerLines: [String] = []
        body.reserveCapacity(data.count)
        let bytes = [UInt8](data)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let line = bytes[start..<end]
            if line.first == 0x23 {  // '#'
                headerLines.append(String(decoding: line, as: UTF8.self))
            } else if !line.isEmpty {
                if let (range, value) = Self.timestamp(in: line) {
                    let shift = body.count - start
                    stamps.append((range.lowerBound + shift)..<(range.upperBound + shift))
                    micros.append(value)
                }
                body.append(contentsOf: line)
                body.append(0x0A)
            }
            start = end + 1
        }
        guard !stamps.isEmpty else { throw BenchError("no `sec.usec:` timestamps in \(path)") }
        self.body = body
        self.stamps = stamps
        self.micros = micros
        self.headerLines = headerLines
    }

    /// The first ` DIGITS.DDDDDD:` in the line (a comm may hold `:`, but not in that shape).
    private static func timestamp(in line: ArraySlice<UInt8>) -> (Range<Int>, Int64)? {
        var colon = line.startIndex
        while let c = line[colon...].firstIndex(of: 0x3A) {
            colon = c + 1
            let dot = c - 7
            guard dot > line.startIndex, line[dot] == 0x2E,
                  line[(dot + 1)..<c].allSatisfy(isDigit) else { continue }
            var s = dot
            while s > line.startIndex, isDigit(line[s - 1]) { s -= 1 }
            guard s < dot, s > line.startIndex, line[s - 1] == 0x20 else { continue }
            var value: Int64 = 0
            for b in line[s..<c] where b != 0x2E { value = value * 10 + Int64(b - 0x30) }
            return (s..<c, value)
        }
        return nil
    }

    private static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Appends the body to `out` with every timestamp moved by `shift` microseconds.
    func appendCopy(to out: inout [UInt8], shiftedBy shift: Int64) {
        var previous = 0
        for k in stamps.indices {
            out.append(contentsOf: body[previous..<stamps[k].lowerBound])
            Self.appendSeconds(micros[k] + shift, to: &out)
            previous = stamps[k].upperBound
        }
        out.append(contentsOf: body[previous...])
    }

    /// `sec.usec` with six fractional digits, as ftrace prints it.
    private static func appendSeconds(_ micros: Int64, to out: inout [UInt8]) {
        appendDecimal(micros / 1_000_000, to: &out)
        out.append(0x2E)
        var frac = micros % 1_000_000
        let at = out.count
        out.append(contentsOf: repeatElement(0x30, count: 6))
        for k in stride(from: 5, through: 0, by: -1) {
            out[at + k] = 0x30 + UInt8(frac % 10)
            frac /= 10
        }
    }

    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(0x30 + UInt8(value % 10))
    }
}
