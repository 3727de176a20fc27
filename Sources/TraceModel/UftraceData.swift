/// Decodes a uftrace.data directory's files (given as bytes: TraceCapture reads them) into `uftrace replay`
/// text with a timestamp column, so that the one ftrace-text parser, store and call tree serve it:
/// `TIMESTAMP DURATION [TID] | text`, exact to the nanosecond.
///
/// What it reads (uftrace's doc/uftrace-data.md and its sources): `info` (a binary header, then `key:value`
/// lines: argspec, retspec), `task.txt` (SESS / TASK / DLOP lines), `sid-<id>.map` (the modules' address
/// ranges), `<module>.sym` (`addr [size] type name`, addresses relative to the module's start) and per thread
/// `<tid>.dat`: 16-byte records `time`, then a word of `type:2 more:1 magic:3 depth:10 addr:48` (entry, exit,
/// lost, event), arguments or a return value after an entry or exit whose `more` is set. `perf-cpuN.dat` holds
/// the kernel's PERF_RECORD_SWITCH records: a thread leaving the CPU and coming back is a `linux:schedule` call.
public enum UftraceData {
    /// The files of one directory.
    public struct Files: Sendable {
        public var info: [UInt8] = []
        public var taskText = ""
        /// `<tid>.dat` contents by thread id.
        public var tasks: [(tid: Int32, bytes: [UInt8])] = []
        /// `perf-cpuN.dat` contents.
        public var perf: [[UInt8]] = []
        /// `sid-<id>.map` text by session id.
        public var maps: [String: String] = [:]
        /// `<name>.sym` text by module file name (`libc.so.6`).
        public var symbols: [String: String] = [:]

        public init() {}
    }

    /// What decoding found besides the calls.
    public struct Result: Sendable {
        public var text: [UInt8] = []
        /// Records whose magic was wrong (skipped a word at a time until records made sense again).
        public var malformedRecords = 0
        public var lostRecords = 0
    }

    /// `Ftrace!\0` opens the info file.
    public static func isInfo(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 40 && bytes.starts(with: Array("Ftrace!".utf8) + [0])
    }

    public static func replayText(_ files: Files) -> Result {
        var result = Result()
        let info = Info(files.info)
        let symbols = Symbolizer(files: files, relative: info.relativeSymbols)
        let specs = ArgSpecs(arguments: info.value("argspec"), returns: info.value("retspec"))
        var switches: [Int32: [Switch]] = [:]
        for cpu in files.perf { readSwitches(cpu, into: &switches) }
        // Each thread's records (and its switches), then all of them in time order, as uftrace replay reads
        // them: an entry whose very next record is its own exit is printed as a leaf, `f();`.
        var all: [(time: UInt64, order: Int, seq: Int, item: TaskDecoder.Item)] = []
        var emitters: [TaskDecoder] = []
        for (order, task) in files.tasks.enumerated() {
            var decoder = TaskDecoder(tid: task.tid, order: order, symbols: symbols, specs: specs)
            for (seq, item) in decoder.decode(task.bytes, switches: switches[task.tid] ?? [], result: &result).enumerated() {
                all.append((item.time, order, seq, item))
            }
            emitters.append(decoder)
        }
        all.sort { ($0.time, $0.order, $0.seq) < ($1.time, $1.order, $1.seq) }
        var lines: [Line] = []
        var pendingTask = -1
        for entry in all {
            if pendingTask >= 0, pendingTask != entry.order {
                emitters[pendingTask].flushPending(into: &lines)
            }
            emitters[entry.order].emit(entry.item, into: &lines)
            pendingTask = emitters[entry.order].pending != nil ? entry.order : -1
        }
        if pendingTask >= 0 { emitters[pendingTask].flushPending(into: &lines) }
        for k in emitters.indices { emitters[k].closeOpen(into: &lines) }
        lines.sort { ($0.time, $0.order, $0.seq) < ($1.time, $1.order, $1.seq) }
        result.text.reserveCapacity(lines.reduce(0) { $0 + $1.text.count + 1 })
        result.text += Array("# DURATION     TID     FUNCTION   (uftrace.data read by tracetui)\n".utf8)
        for l in lines {
            result.text += l.text
            result.text.append(0x0A)
        }
        return result
    }

    struct Line {
        var time: UInt64
        var order: Int
        var seq: Int
        var text: [UInt8]
    }

    /// A thread leaving (`out`) or coming back to the CPU.
    struct Switch {
        var time: UInt64
        var out: Bool
        var preempt: Bool
    }

    // MARK: - info

    struct Info {
        var featureMask: UInt64 = 0
        var lines: [Substring] = []

        init(_ bytes: [UInt8]) {
            guard UftraceData.isInfo(bytes) else { return }
            let headerSize = Int(le16(bytes, 12))
            featureMask = le64(bytes, 16)
            guard headerSize <= bytes.count else { return }
            let text = String(decoding: bytes[headerSize...], as: UTF8.self)
            lines = text.split(separator: "\n")
        }

        /// SYM_REL_ADDR (feature bit 5): symbol addresses are relative to their module.
        var relativeSymbols: Bool { featureMask & (1 << 5) != 0 }

        func value(_ key: String) -> String? {
            let prefix = key + ":"
            for l in lines where l.hasPrefix(prefix) && !l.hasPrefix(prefix + "lines=") {
                return String(l.dropFirst(prefix.count))
            }
            return nil
        }
    }

    // MARK: - symbols

    struct Module {
        var start: UInt64
        var end: UInt64
        var symbols: [(addr: UInt64, name: String)]
    }

    struct Symbolizer {
        var modules: [Module] = []
        let relative: Bool

        init(files: Files, relative: Bool) {
            self.relative = relative
            var parsed: [String: [(addr: UInt64, name: String)]] = [:]
            func symbols(_ path: Substring) -> [(addr: UInt64, name: String)] {
                let name = String(path.split(separator: "/").last ?? path)
                if let s = parsed[name] { return s }
                var list: [(addr: UInt64, name: String)] = []
                for line in (files.symbols[name] ?? "").split(separator: "\n") where !line.hasPrefix("#") {
                    let t = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard t.count >= 3, let addr = UInt64(t[0], radix: 16) else { continue }
                    // `addr type name` (v0.13) or `addr size type name` (later versions).
                    let typeIndex = t[1].count == 1 ? 1 : 2
                    guard typeIndex + 1 < t.count else { continue }
                    let type = t[typeIndex]
                    let name = t[(typeIndex + 1)...].joined(separator: " ")
                    // `?` marks the ends of the symbol tables, not functions.
                    list.append((addr, type == "?" ? "" : name))
                }
                list.sort { $0.addr < $1.addr }
                parsed[name] = list
                return list
            }
            for (_, map) in files.maps.sorted(by: { $0.key < $1.key }) {
                for line in map.split(separator: "\n") {
                    let t = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard t.count >= 6, t[0].contains("-"), t[5].hasPrefix("/") || t[5].hasPrefix("[") else { continue }
                    let range = t[0].split(separator: "-")
                    guard range.count == 2, let s = UInt64(range[0], radix: 16), let e = UInt64(range[1], radix: 16)
                    else { continue }
                    modules.append(Module(start: s, end: e, symbols: symbols(t[5])))
                }
            }
            modules.sort { $0.start < $1.start }
        }

        func name(_ addr: UInt64) -> String {
            var lo = 0, hi = modules.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if modules[mid].start <= addr { lo = mid + 1 } else { hi = mid }
            }
            if lo > 0, addr < modules[lo - 1].end {
                let m = modules[lo - 1]
                let rel = relative ? addr - m.start : addr
                var a = 0, b = m.symbols.count
                while a < b {
                    let mid = (a + b) / 2
                    if m.symbols[mid].addr <= rel { a = mid + 1 } else { b = mid }
                }
                if a > 0, !m.symbols[a - 1].name.isEmpty { return m.symbols[a - 1].name }
            }
            return "0x" + String(addr, radix: 16)
        }
    }

    // MARK: - arguments

    /// One recorded argument or return value: its format and size in bytes (0: a string, length-prefixed).
    struct ArgFormat {
        enum Kind { case signed, unsigned, hex, octal, string, char, float, pointer }
        var kind: Kind
        var size: Int
    }

    /// `argspec:fib@arg1;nap@arg1/x,arg2/s` and `retspec:fib@retval`: the formats recorded per function.
    /// Functions are named exactly here (uftrace takes them as patterns): a record whose arguments cannot be
    /// laid out is skipped to the next record that makes sense.
    struct ArgSpecs {
        var arguments: [String: [ArgFormat]] = [:]
        var returns: [String: ArgFormat] = [:]

        init(arguments a: String?, returns r: String?) {
            for (name, items) in Self.entries(a) {
                arguments[name] = items.filter { $0.hasPrefix("arg") || $0.hasPrefix("fparg") }.compactMap(Self.format)
            }
            for (name, items) in Self.entries(r) {
                if let ret = items.first(where: { $0.hasPrefix("retval") }).flatMap(Self.format) { returns[name] = ret }
            }
        }

        static func entries(_ spec: String?) -> [(String, [Substring])] {
            guard let spec else { return [] }
            return spec.split(separator: ";").compactMap { entry in
                let parts = entry.split(separator: "@", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                return (String(parts[0]), parts[1].split(separator: ","))
            }
        }

        /// `arg1`, `arg2/x`, `arg3/d32`, `arg1/s`, `retval/u64`, `fparg1/64` (a double).
        static func format(_ item: Substring) -> ArgFormat? {
            let parts = item.split(separator: "/", maxSplits: 1)
            let float = parts[0].hasPrefix("fparg")
            guard parts.count == 2 else { return ArgFormat(kind: float ? .float : .signed, size: 8) }
            let f = parts[1]
            if float { return ArgFormat(kind: .float, size: (Int(f) ?? 64) / 8) }
            guard let c = f.first else { return nil }
            let bits = Int(f.dropFirst())
            switch c {
            case "d", "i": return ArgFormat(kind: .signed, size: (bits ?? 64) / 8)
            case "u": return ArgFormat(kind: .unsigned, size: (bits ?? 64) / 8)
            case "x": return ArgFormat(kind: .hex, size: (bits ?? 64) / 8)
            case "o": return ArgFormat(kind: .octal, size: (bits ?? 64) / 8)
            case "p": return ArgFormat(kind: .pointer, size: 8)
            case "c": return ArgFormat(kind: .char, size: 1)
            case "f": return ArgFormat(kind: .float, size: (bits ?? 64) / 8)
            case "s", "S": return ArgFormat(kind: .string, size: 0)
            default: return nil
            }
        }
    }

    /// Lays out the values at `off` as uftrace's record does: each value padded to 4 bytes (a string
    /// after its 2-byte length), the whole to 8. Returns the text and the bytes used, nil past the end.
    static func readArgs(_ b: [UInt8], at off: Int, _ formats: [ArgFormat]) -> (texts: [String], length: Int)? {
        var len = 0
        var texts: [String] = []
        for f in formats {
            var size = f.size
            var stringLength = -1
            if f.kind == .string {
                guard off + len + 2 <= b.count else { return nil }
                stringLength = Int(le16(b, off + len))
                len += 2
                size = stringLength
            }
            let start = off + len
            guard size >= 0, start + size <= b.count else { return nil }
            texts.append(text(b, start, size, f, stringLength))
            let rem = (len + size) % 4
            len += size + (rem == 0 ? 0 : 4 - rem)
        }
        if len % 8 != 0 { len += 8 - len % 8 }
        guard off + len <= b.count else { return nil }
        return (texts, len)
    }

    static func text(_ b: [UInt8], _ start: Int, _ size: Int, _ f: ArgFormat, _ stringLength: Int) -> String {
        if f.kind == .string {
            var bytes = Array(b[start..<(start + stringLength)])
            while bytes.last == 0 { bytes.removeLast() }
            // uftrace records a NULL pointer as the 4 bytes 0xffffffff... printed as NULL.
            if bytes == [0xFF, 0xFF, 0xFF, 0xFF] { return "NULL" }
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        }
        var v: UInt64 = 0
        for k in 0..<min(size, 8) { v |= UInt64(b[start + k]) << (8 * UInt64(k)) }
        let bits = min(size, 8) * 8
        switch f.kind {
        case .signed:
            let shift = UInt64(64 - bits)
            return String(Int64(bitPattern: v << shift) >> Int64(shift))
        case .unsigned: return String(v)
        case .hex, .pointer: return "0x" + String(v, radix: 16)
        case .octal: return "0" + String(v, radix: 8)
        case .char: return "'" + String(UnicodeScalar(UInt8(truncatingIfNeeded: v))) + "'"
        case .float:
            if size == 4 { return String(Float(bitPattern: UInt32(truncatingIfNeeded: v))) }
            return String(Double(bitPattern: v))
        case .string: return ""
        }
    }

    // MARK: - perf context switches

    /// PERF_RECORD_SWITCH (14) records with their sample id (pid, tid, time); others are skipped by size.
    static func readSwitches(_ b: [UInt8], into out: inout [Int32: [Switch]]) {
        var off = 0
        while off + 8 <= b.count {
            let type = le32(b, off)
            let misc = le16(b, off + 4)
            let size = Int(le16(b, off + 6))
            guard size >= 8, off + size <= b.count else { break }
            if type == 14, size >= 24 {
                let tid = Int32(bitPattern: le32(b, off + 12))
                let time = le64(b, off + 16)
                out[tid, default: []].append(Switch(time: time, out: misc & 0x2000 != 0, preempt: misc & 0x4000 != 0))
            }
            off += size
        }
    }

    // MARK: - one thread's records

    struct TaskDecoder {
        let tid: Int32
        let order: Int
        let symbols: Symbolizer
        let specs: ArgSpecs
        var stack: [(name: String, time: UInt64, schedule: Bool)] = []
        /// An entry not printed yet: printed as a leaf when its exit comes next.
        var pending: (time: UInt64, name: String, args: String, depth: Int, preempt: Bool?)?
        var seq = 0
        let tidColumn: String

        init(tid: Int32, order: Int, symbols: Symbolizer, specs: ArgSpecs) {
            self.tid = tid
            self.order = order
            self.symbols = symbols
            self.specs = specs
            let t = String(tid)
            tidColumn = "[" + String(repeating: " ", count: max(0, 6 - t.count)) + t + "] | "
        }

        enum Item {
            case entry(UInt64, String, String)
            case exit(UInt64, String, String?)
            case schedule(Switch)
            case comment(UInt64, String)

            var time: UInt64 {
                switch self {
                case .entry(let t, _, _), .exit(let t, _, _), .comment(let t, _): return t
                case .schedule(let sw): return sw.time
                }
            }
        }

        mutating func decode(_ b: [UInt8], switches: [Switch], result: inout Result) -> [Item] {
            var items: [Item] = []
            var off = 0
            var last: UInt64 = 0
            var names: [UInt64: String] = [:]
            func name(_ addr: UInt64) -> String {
                if let n = names[addr] { return n }
                let n = symbols.name(addr)
                names[addr] = n
                return n
            }
            while off + 16 <= b.count {
                let time = le64(b, off)
                let word = le64(b, off + 8)
                let type = word & 3, more = (word >> 2) & 1 == 1, magic = (word >> 3) & 7
                let addr = word >> 16
                guard magic == 5 else {
                    result.malformedRecords += 1
                    off += 8
                    continue
                }
                off += 16
                last = max(last, time)
                switch type {
                case 0, 1:
                    let f = name(addr)
                    var args: String?
                    if more {
                        let formats = type == 0 ? specs.arguments[f] : specs.returns[f].map { [$0] }
                        if let formats, let (texts, length) = UftraceData.readArgs(b, at: off, formats),
                           Self.plausible(b, at: off + length, after: time) {
                            args = texts.joined(separator: ", ")
                            off += length
                        } else {
                            // No layout for these values: the next record is the first word that looks like one.
                            off = Self.nextRecord(b, from: off, after: time)
                        }
                    }
                    if type == 0 {
                        items.append(.entry(time, f, args ?? ""))
                    } else {
                        items.append(.exit(time, f, args))
                    }
                case 2:
                    result.lostRecords += 1
                    items.append(.comment(time, "/* LOST \(addr) records!! */"))
                default:
                    if more, off + 2 <= b.count {
                        let len = 2 + Int(le16(b, off))
                        off += (len + 7) / 8 * 8
                    }
                    switch addr {
                    case 200_001: items.append(.schedule(Switch(time: time, out: false, preempt: false)))
                    case 200_002: items.append(.schedule(Switch(time: time, out: true, preempt: false)))
                    case 200_007: items.append(.schedule(Switch(time: time, out: true, preempt: true)))
                    default: items.append(.comment(time, "/* uftrace event \(addr) */"))
                    }
                }
            }
            // The thread's switches between its first and last record, merged in by time.
            let first: UInt64 = {
                if case .entry(let t, _, _)? = items.first { return t }
                return 0
            }()
            var merged: [Item] = []
            merged.reserveCapacity(items.count + switches.count)
            var s = 0
            let sorted = switches.sorted { $0.time < $1.time }
            for item in items {
                let t = item.time
                while s < sorted.count, sorted[s].time <= t {
                    if sorted[s].time >= first { merged.append(.schedule(sorted[s])) }
                    s += 1
                }
                merged.append(item)
            }
            while s < sorted.count, sorted[s].time <= last {
                merged.append(.schedule(sorted[s]))
                s += 1
            }
            return merged
        }

        /// Calls still open when the thread's records end stay open (unfinished); nothing to print.
        mutating func closeOpen(into lines: inout [Line]) {
            flushPending(into: &lines)
        }

        /// A record at `off` whose magic is uftrace's and whose time does not go back (or the end).
        static func plausible(_ b: [UInt8], at off: Int, after time: UInt64) -> Bool {
            if off + 16 > b.count { return off == b.count }
            let t = le64(b, off), w = le64(b, off + 8)
            return (w >> 3) & 7 == 5 && t >= time && t - time < 3_600_000_000_000
        }

        static func nextRecord(_ b: [UInt8], from off: Int, after time: UInt64) -> Int {
            var k = off
            while k + 16 <= b.count, !plausible(b, at: k, after: time) { k += 8 }
            return min(k, b.count)
        }

        mutating func emit(_ item: Item, into lines: inout [Line]) {
            switch item {
            case .entry(let t, let name, let args):
                flushPending(into: &lines)
                pending = (t, name, args, stack.count, nil)
                stack.append((name, t, false))
            case .exit(let t, let name, let ret):
                let retText = ret.map { " = " + $0 + ";" } ?? ""
                if let p = pending, p.preempt == nil, stack.last?.name == name {
                    pending = nil
                    stack.removeLast()
                    line(p.time, duration: t &- p.time, depth: p.depth, "\(p.name)(\(p.args))\(retText.isEmpty ? ";" : retText)", into: &lines)
                    return
                }
                flushPending(into: &lines)
                // Calls left open inside this one (a longjmp, a missed exit) end with it.
                if let k = stack.lastIndex(where: { $0.name == name && !$0.schedule }) {
                    while stack.count > k + 1 {
                        let open = stack.removeLast()
                        line(t, duration: t &- open.time, depth: stack.count,
                             open.schedule ? "/* linux:sched-in */" : "} /* \(open.name) */", into: &lines)
                    }
                    let open = stack.removeLast()
                    line(t, duration: t &- open.time, depth: stack.count, "}\(retText) /* \(name) */", into: &lines)
                } else {
                    // The recording began inside this call.
                    line(t, duration: nil, depth: 0, "}\(retText) /* \(name) */", into: &lines)
                }
            case .schedule(let sw):
                if sw.out {
                    flushPending(into: &lines)
                    pending = (sw.time, "linux:schedule", "", stack.count, sw.preempt)
                    stack.append(("linux:schedule", sw.time, true))
                } else if let top = stack.last, top.schedule {
                    stack.removeLast()
                    if let p = pending, let preempt = p.preempt {
                        // Back on the CPU before anything else happened: one line, as uftrace prints it.
                        pending = nil
                        line(p.time, duration: sw.time &- p.time, depth: p.depth,
                             preempt ? "/* linux:schedule (pre-empted) */" : "/* linux:schedule */", into: &lines)
                    } else {
                        flushPending(into: &lines)
                        line(sw.time, duration: sw.time &- top.time, depth: stack.count, "/* linux:sched-in */",
                             into: &lines)
                    }
                } else {
                    flushPending(into: &lines)
                }
            case .comment(let t, let text):
                flushPending(into: &lines)
                line(t, duration: nil, depth: stack.count, text, into: &lines)
            }
        }

        mutating func flushPending(into lines: inout [Line]) {
            guard let p = pending else { return }
            pending = nil
            if let preempt = p.preempt {
                line(p.time, duration: nil, depth: p.depth,
                     preempt ? "/* linux:sched-out (pre-empted) */" : "/* linux:sched-out */", into: &lines)
            } else {
                line(p.time, duration: nil, depth: p.depth, "\(p.name)(\(p.args)) {", into: &lines)
            }
        }

        mutating func line(_ time: UInt64, duration: UInt64?, depth: Int, _ text: String, into lines: inout [Line]) {
            var s = String(time / 1_000_000_000) + "." + pad(time % 1_000_000_000, 9) + " "
            if let d = duration {
                let us = String(d / 1000) + "." + pad(d % 1000, 3) + " us"
                s += String(repeating: " ", count: max(0, 10 - us.count)) + us + " "
            } else {
                s += String(repeating: " ", count: 11)
            }
            s += tidColumn + String(repeating: " ", count: 2 * depth) + text
            lines.append(Line(time: time, order: order, seq: seq, text: Array(s.utf8)))
            seq += 1
        }

        func pad(_ v: UInt64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
    }

    // MARK: - little-endian reads

    static func le16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func le64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(le32(b, o)) | UInt64(le32(b, o + 4)) << 32 }
}
