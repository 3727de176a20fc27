import Testing
@testable import TraceModel

/// `--bpf`'s map entries without a kernel: the log2 histogram rule and rows, the key/value rows, the JSON of
/// `tracetui bpf --map`, the sidecar records and the printk namer.
struct BpfMapValuesTests {
    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    static func array(_ counts: [UInt64], keySize: Int = 4, valueSize: Int = 8) -> BpfMapValues {
        BpfMapValues(mapID: 7, entries: counts.enumerated().map { .init(key: le(UInt64($0.offset), keySize),
                                                                       value: le($0.element, valueSize)) })
    }

    static let hist = BpfMap(id: 7, type: "array", name: "tt_hist", keySize: 4, valueSize: 8, maxEntries: 64)

    @Test func log2BucketsAreDrawnTheBccWay() throws {
        // Given an array of 64 u64 slots: 3 in slot 0, 3 in slot 2, 7 in slot 6, 2 in slot 9
        var counts = [UInt64](repeating: 0, count: 64)
        counts[0] = 3; counts[2] = 3; counts[6] = 7; counts[9] = 2
        let h = try #require(Log2Histogram.from(Self.array(counts), of: Self.hist))
        // Then the rows run from slot 0 to the last that is not empty, bars 40 stars at the largest count
        #expect(h.lines() == [
            "     value               : count     distribution",
            "         0 -> 1          : 3        |*****************                       |",
            "         2 -> 3          : 0        |                                        |",
            "         4 -> 7          : 3        |*****************                       |",
            "         8 -> 15         : 0        |                                        |",
            "        16 -> 31         : 0        |                                        |",
            "        32 -> 63         : 0        |                                        |",
            "        64 -> 127        : 7        |****************************************|",
            "       128 -> 255        : 0        |                                        |",
            "       256 -> 511        : 0        |                                        |",
            "       512 -> 1023       : 2        |***********                             |",
        ])
        #expect(Log2Histogram.bounds(63) == (1 << 63, .max))
    }

    @Test func bucketsPast32WidenTheBounds() throws {
        var counts = [UInt64](repeating: 0, count: 64)
        counts[40] = 1
        let lines = try #require(Log2Histogram.from(Self.array(counts), of: Self.hist)).lines()
        #expect(lines.count == 42)
        #expect(lines[0] == "               value                         : count     distribution")
        #expect(lines[41] == "       1099511627776 -> 2199023255551        : 1        |****************************************|")
    }

    @Test func onlyMapsOfSmallIntegerKeysAndIntegerValuesAreHistograms() {
        var counts = [UInt64](repeating: 0, count: 64)
        counts[3] = 1
        // a two-slot counter array is no histogram (too few entries to be buckets)
        let counter = BpfMap(id: 7, type: "array", name: "tt_count", keySize: 4, valueSize: 8, maxEntries: 2)
        #expect(Log2Histogram.from(Self.array([5, 1]), of: counter) == nil)
        // nor a 16-byte value, nor a ring buffer, nor a hash keyed by large numbers
        let wide = BpfMap(id: 7, type: "array", name: "w", keySize: 4, valueSize: 16, maxEntries: 64)
        #expect(Log2Histogram.from(Self.array(counts, valueSize: 16), of: wide) == nil)
        let ring = BpfMap(id: 7, type: "ringbuf", name: "r", keySize: 4, valueSize: 8, maxEntries: 64)
        #expect(Log2Histogram.from(Self.array(counts), of: ring) == nil)
        let hash = BpfMap(id: 7, type: "hash", name: "h", keySize: 8, valueSize: 4, maxEntries: 10240)
        let big = BpfMapValues(mapID: 7, entries: [.init(key: Self.le(4096, 8), value: Self.le(1, 4))])
        #expect(Log2Histogram.from(big, of: hash) == nil)
        // but a hash of a few small keys with u32 counts is one
        let small = BpfMapValues(mapID: 7, entries: [.init(key: Self.le(5, 8), value: Self.le(9, 4)),
                                                      .init(key: Self.le(1, 8), value: Self.le(2, 4))])
        #expect(Log2Histogram.from(small, of: hash)?.counts == [0, 2, 0, 0, 0, 9])
    }

    @Test func otherMapsAreKeyValueRows() {
        let counter = BpfMap(id: 3, type: "array", name: "tt_count", keySize: 4, valueSize: 8, maxEntries: 2)
        #expect(BpfMapReport.lines(counter, Self.array([41, 7])) == ["key  value", "  0  41", "  1  7"])
        let blob = BpfMap(id: 4, type: "hash", name: "b", keySize: 3, valueSize: 2, maxEntries: 8)
        let v = BpfMapValues(mapID: 4, entries: [.init(key: [0xde, 0xad, 0x0f], value: [1, 2])], truncated: true)
        #expect(BpfMapReport.lines(blob, v) == ["     key  value", "de ad 0f  513", "… (the first 1 entries)"])
    }

    @Test func jsonGivesEntriesAndBuckets() {
        let counter = BpfMap(id: 3, type: "array", name: "tt_count", keySize: 4, valueSize: 8, maxEntries: 2)
        #expect(BpfMapReport.json(counter, Self.array([41, 7])) == """
            {"map":{"id":3,"type":"array","name":"tt_count","key_size":4,"value_size":8,"max_entries":2},\
            "entries":[{"key":0,"value":41},{"key":1,"value":7}],"truncated":false,"histogram":null}

            """)
        let blob = BpfMap(id: 4, type: "hash", name: "b", keySize: 3, valueSize: 2, maxEntries: 8)
        let v = BpfMapValues(mapID: 4, entries: [.init(key: [0xde, 0xad, 0x0f], value: [1, 2])])
        #expect(BpfMapReport.json(blob, v).contains(#""entries":[{"key":["0xde","0xad","0x0f"],"value":513}]"#))
    }

    @Test func entriesRoundTripThroughTheSidecar() {
        var inv = BpfInventory(maps: [Self.hist], statsEnabled: false)
        inv.values = [Self.array([1, 0, 300]), BpfMapValues(mapID: 9, truncated: true, error: "map 9: gone away")]
        var back: BpfInventory?
        for line in BpfSidecar.encode(inv).split(separator: "\n") {
            #expect(BpfSidecar.decode(line.split(separator: " ").map(String.init), into: &back))
        }
        #expect(back == inv)
        // a malformed entry is kept, its bad digits read as 0
        var odd: BpfInventory? = BpfInventory()
        _ = BpfSidecar.decode(["E", "5", "0"], into: &odd)
        _ = BpfSidecar.decode(["e", "0z", "ff"], into: &odd)
        #expect(odd?.values.first?.entries == [.init(key: [0], value: [255])])
    }
}

/// Printk lines named by the program whose format string they match.
struct PrintkNamerTests {
    static let namer = PrintkNamer([
        .init(program: "tt_hist_openat", format: "tt_hist mode %llu slot %u"),
        .init(program: "tt_work_calls", format: "tt_work called\n"),
        .init(program: "tt_a", format: "%s: %d%%"),
        .init(program: "tt_b", format: "same %d"),
        .init(program: "tt_c", format: "same %x"),
        .init(program: "tt_ip", format: "from %pI4 port %d"),
    ])

    static func named(_ message: String) -> String {
        let line = "        tt_calls-27055   [001] ...21 44531.186914: bpf_trace_printk: \(message)\n"
        return String(decoding: namer.name(Array(line.utf8)[...]), as: UTF8.self)
    }

    @Test func aLineMatchingOneProgramsFormatIsNamed() {
        #expect(Self.named("tt_hist mode 100 slot 6").hasSuffix("bpf_trace_printk: [prog tt_hist_openat] tt_hist mode 100 slot 6\n"))
        #expect(Self.named("tt_work called").contains("[prog tt_work_calls] tt_work called"))
        #expect(Self.named("eth0: 42%").contains("[prog tt_a] eth0: 42%"))
        #expect(Self.named("from 10.0.0.1 port 80").contains("[prog tt_ip]"))
        // %s takes spaces, %llu does not
        #expect(Self.named("two words: -3%").contains("[prog tt_a] two words: -3%"))
    }

    @Test func otherLinesStayAsTheyAre() {
        // another program's text, a literal that differs at the end, and text two programs' formats both match
        for m in ["hello from elsewhere", "tt_hist mode 100 slot 6 extra", "tt_work called twice", "same 12",
                  "tt_hist mode 1 2 slot 6"] {
            #expect(!Self.named(m).contains("[prog"), "\(m)")
        }
        let plain = Array("  <idle>-0 [000] d.h1. 1.000000: sched_switch: prev=a\n".utf8)
        #expect(Array(Self.namer.name(plain[...])) == plain)
    }
}
