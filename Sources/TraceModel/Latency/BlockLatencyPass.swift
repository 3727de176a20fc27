/// Block I/O latency per device: `block_rq_issue` (or `block_rq_insert` when the trace has no issue events) to the
/// `block_rq_complete` of the same device and sector, as biolatency measures it.
///
/// Payloads: `8,0 W 4096 () 123456 + 8 [kworker/0:1]` (issue / insert: device, rwbs, bytes, cmd, sector + sectors)
/// and `8,0 W () 123456 + 8 [0]` (complete); newer kernels add an ioprio word, which the parse skips.
struct BlockLatencyPass {
    struct Request: Hashable {
        var device: Int64
        var sector: Int64
    }

    struct Started {
        var start: Int64
        var row: Int
        var bytes: Int64
    }

    struct Device {
        var latency: LatencyAccumulator
        var bytes: Int64 = 0
    }

    var store: EventStore
    var kinds: [LatencyEventKind]
    let keep: Int
    /// Added to the store's row numbers (rows evicted before this pass saw the store).
    var rowBase = 0
    var startKind: LatencyEventKind
    var open: [Request: Started] = [:]
    var devices: [Int64: Device] = [:]

    init(store: EventStore, kinds: [LatencyEventKind], keep: Int) {
        self.store = store
        self.kinds = kinds
        self.keep = keep
        startKind = kinds.contains(.blockIssue) ? .blockIssue : .blockInsert
    }

    /// A later snapshot of the store, before `run` reads its new rows.
    mutating func update(store newStore: EventStore, kinds newKinds: [LatencyEventKind]) {
        store = newStore
        kinds = newKinds
        if kinds.contains(.blockIssue) { startKind = .blockIssue }
    }

    /// The kernel's dev_t (major in the top 12 bits, minor in the low 20) as `major << 32 | minor`.
    static func device(_ dev: UInt64) -> Int64 { Int64(dev >> 20) << 32 | Int64(dev & 0xFFFFF) }

    /// Device (`major << 32 | minor`), sector, sectors and bytes (issue / insert).
    static func fields(_ scan: PayloadScan) -> (device: Int64, sector: Int64, sectors: Int64, bytes: Int64?)? {
        // The reader's field form (live capture, trace.dat): `dev=8388608 sector=0x… nr_sector=8 bytes=4096 …`.
        if let d = scan.value(of: "dev="), let dev = scan.unsigned(at: d) {
            guard let sector = scan.value(of: "sector=").flatMap({ scan.unsigned(at: $0) }),
                  let sectors = scan.value(of: "nr_sector=").flatMap({ scan.unsigned(at: $0) }) else { return nil }
            let bytes = scan.value(of: "bytes=").flatMap { scan.unsigned(at: $0) } ?? sectors * 512
            return (device(UInt64(dev)), sector, sectors, bytes)
        }
        let line = scan.line
        let s = line.skipSpaces(from: 0)
        let (major, comma) = line.digits(from: s)
        guard comma > s, comma < line.count, line[comma] == Byte.comma else { return nil }
        let (minor, devEnd) = line.digits(from: comma + 1)
        guard devEnd > comma + 1 else { return nil }
        // ` + ` separates the sector from the count.
        var plus = devEnd
        while let p = line.find(0x2B, from: plus) {
            if p > 0, p + 1 < line.count, line[p - 1] == Byte.space, line[p + 1] == Byte.space { plus = p; break }
            plus = p + 1
        }
        guard plus > devEnd, plus < line.count, line[plus] == 0x2B else { return nil }
        var a = plus - 2
        while a > devEnd, Byte.isDigit(line[a]) { a -= 1 }
        guard let sector = line.number(from: a + 1, to: plus - 1) else { return nil }
        let (sectors, _) = line.digits(from: plus + 2)
        // The third word of issue / insert is the byte count.
        var w = line.skipSpaces(from: devEnd)
        w = line.skipSpaces(from: scan.wordEnd(from: w))
        let e = scan.wordEnd(from: w)
        let bytes = e > w && e < a ? line.number(from: w, to: e) : nil
        return (major << 32 | minor, sector, sectors, bytes)
    }


    mutating func run(_ scope: LatencyScope) {
        let wanted = LatencyEventKind.mask(kinds, [startKind, .blockComplete])
        let base = rowBase
        store.forEachRow(in: scope, wanted: wanted) { c, i, storeRow in
            let row = base + storeRow
            let kind = kinds[Int(c.events[i])]
            guard kind == startKind || kind == .blockComplete else { return }
            let f: (device: Int64, sector: Int64, sectors: Int64, bytes: Int64?)
            if case let v = c.latencyValues(i), v.kind == TypedFields.Kind.block.rawValue {
                let word = UInt64(bitPattern: v.f0)
                f = (Self.device(word & 0xFFFF_FFFF), v.f1, 0, Int64(word >> 32))
            } else {
                guard let scanned = Self.fields(PayloadScan(c.payload(i))) else { return }
                f = scanned
            }
            let key = Request(device: f.device, sector: f.sector)
            let ts = c.timestamps[i]
            if kind != .blockComplete {
                open[key] = Started(start: ts, row: row, bytes: f.bytes ?? f.sectors * 512)
                return
            }
            guard let started = open.removeValue(forKey: key), ts >= started.start else { return }
            devices[f.device, default: Device(latency: LatencyAccumulator(keep: keep))]
                .latency.add(ts - started.start, start: started.start, startRow: started.row, endRow: row, pid: -1)
            devices[f.device]!.bytes += started.bytes
        }
    }

    func rows() -> [BlockLatencyRow] {
        devices.map { dev, d in
            BlockLatencyRow(device: "\(dev >> 32),\(dev & 0xFFFF_FFFF)", bytes: d.bytes, latency: d.latency.finish())
        }.sorted { ($0.latency.total, $1.device) > ($1.latency.total, $0.device) }
    }
}
