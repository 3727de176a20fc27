/// Lays records out as the kernel's ring-buffer pages (`events/header_page`, `header_event`), for a trace.dat
/// made of records the live viewer kept: a page is a u64 timestamp, a u64 commit (the bytes of events after the
/// 16-byte header) and the events; each event is a 32-bit word `type_len:5 | time_delta:27` then its data,
/// 4-byte aligned. type_len 1–28 is the data's length in words; 0 puts the length (data + 4) in the next word;
/// 30 extends the time: its delta's low 27 bits in the word, the rest in the next word.
struct RingPageWriter {
    static let headerSize = 16
    static let smallData = 28 * 4
    static let timeExtend: UInt32 = 30
    let pageSize: Int
    /// Whole pages, in order.
    private(set) var bytes: [UInt8] = []
    private var pageStart = -1
    private var used = 0
    private var last: UInt64 = 0

    init(pageSize: Int) {
        self.pageSize = pageSize
    }

    /// Appends one record's data at time `ts` (ns, ascending: an earlier time is taken as no delta).
    mutating func add(ts: UInt64, data: UnsafeRawBufferPointer) {
        let length = (data.count + 3) & ~3
        let big = length > Self.smallData
        let event = 4 + (big ? 4 : 0) + length
        guard event + Self.headerSize <= pageSize else { return }
        var delta = ts > last ? ts - last : 0
        let extend = delta >= 1 << 27
        if pageStart < 0 || used + event + (extend ? 8 : 0) > pageSize - Self.headerSize {
            finishPage()
            pageStart = bytes.count
            bytes += [UInt8](repeating: 0, count: pageSize)
            put64(pageStart, ts)
            used = 0
            delta = 0
        } else if extend {
            put32(word: Self.timeExtend | UInt32(truncatingIfNeeded: delta & 0x7FF_FFFF) << 5)
            put32(word: UInt32(truncatingIfNeeded: delta >> 27))
            delta = 0
        }
        last = ts
        if big {
            put32(word: UInt32(truncatingIfNeeded: delta) << 5)
            put32(word: UInt32(length + 4))
        } else {
            put32(word: UInt32(length / 4) | UInt32(truncatingIfNeeded: delta) << 5)
        }
        let at = pageStart + Self.headerSize + used
        bytes.withUnsafeMutableBytes { b in
            if let from = data.baseAddress { (b.baseAddress! + at).copyMemory(from: from, byteCount: data.count) }
        }
        used += length
    }

    /// Writes the open page's commit (call once, after the last record).
    mutating func finishPage() {
        guard pageStart >= 0 else { return }
        put64(pageStart + 8, UInt64(used))
        pageStart = -1
    }

    private mutating func put32(word: UInt32) {
        let at = pageStart + Self.headerSize + used
        for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: word >> (8 * k)) }
        used += 4
    }

    private mutating func put64(_ at: Int, _ v: UInt64) {
        for k in 0..<8 { bytes[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }
}
