/// A compiled filter that answers "does row i match?" against one store, caching per-task and
/// per-event answers so that common filters cost a column read per row.
public struct RowMatcher {
    private let store: EventStore
    private var root: Node
    private let source: FilterExpression
    /// The common columns a filter may name; anything else is an event field.
    public static let columns = ["event", "name", "comm", "pid", "tgid", "cpu", "task", "time", "ts", "flags", "line", "host"]

    public init(_ expression: FilterExpression, store: EventStore) throws(FilterSyntaxError) {
        self.store = store
        self.source = expression
        self.root = try Node.compile(expression, store: store)
    }

    public mutating func matches(_ row: Int) -> Bool {
        root.evaluate(row, store: store)
    }

    /// The event fields the filter names that no event of the store has (a typo, or a field of another
    /// trace's events): a filter on them matches nothing, and the user must be told why.
    public var unknownFields: [String] { Self.unknownFields(in: expression, store: store) }

    private var expression: FilterExpression { source }

    /// The fields `expression` compares that are not common columns, in the order written.
    public static func fields(of expression: FilterExpression) -> [String] {
        var out: [String] = []
        func walk(_ e: FilterExpression) {
            switch e {
            case .and(let a, let b), .or(let a, let b):
                walk(a)
                walk(b)
            case .not(let a): walk(a)
            case .compare(let field, _, _):
                if !columns.contains(field.lowercased()), !out.contains(field) { out.append(field) }
            }
        }
        walk(expression)
        return out
    }

    /// Of `fields(of:)`, those no event row of `store` carries. Each event name is looked at in a few of its
    /// rows (an event's fields are the same in every row of it), so this reads far fewer rows than the store.
    public static func unknownFields(in expression: FilterExpression, store: EventStore) -> [String] {
        var missing = fields(of: expression)
        guard !missing.isEmpty else { return [] }
        let keys = missing.map { Array($0.utf8) }
        var found = [Bool](repeating: false, count: keys.count)
        var looked = [UInt8](repeating: 0, count: store.eventNames.count + 1)
        var remaining = keys.count
        outer: for chunk in store.chunks {
            for i in 0..<chunk.count {
                let ev = chunk.events[i]
                guard SpecialEvent.isEvent(ev), Int(ev) < looked.count, looked[Int(ev)] < 4 else { continue }
                looked[Int(ev)] += 1
                let line = chunk.line(i)
                let payload = UnsafeRawBufferPointer(rebasing: line[min(chunk.payloadOffset(i), line.count)...])
                for (k, key) in keys.enumerated() where !found[k] {
                    if EventFields.value(of: key, in: payload) != nil {
                        found[k] = true
                        remaining -= 1
                        if remaining == 0 { break outer }
                    }
                }
            }
        }
        missing = zip(missing, found).filter { !$0.1 }.map(\.0)
        return missing
    }

    /// How many rows `matchingRows` tests between two looks at its cancellation check: a row costs at most its
    /// line's length times the regex's size, so a check every 256 rows comes well within 100 ms.
    public static let rowsPerCancellationCheck = 256

    /// The rows of `range` that match, in order; nil as soon as `isCancelled` answers true (it is asked every
    /// `rowsPerCancellationCheck` rows). The job runner's way to filter a store without ever being stuck in it.
    public mutating func matchingRows(_ range: Range<Int>, isCancelled: () -> Bool) -> [Int32]? {
        var out: [Int32] = []
        var row = range.lowerBound
        while row < range.upperBound {
            if isCancelled() { return nil }
            let end = min(range.upperBound, row + Self.rowsPerCancellationCheck)
            while row < end {
                if root.evaluate(row, store: store) { out.append(Int32(row)) }
                row += 1
            }
        }
        return out
    }

    /// One compiled node; comparisons over names keep a lazily filled answer per id.
    enum Node {
        case and(Box, Box)
        case or(Box, Box)
        case not(Box)
        case eventIn(IDSet)
        /// The rows of these hosts (`host == db1`); the id is a column of the chunk, so this reads no line.
        case hostIn(IDSet)
        case taskTest(TaskTest)
        case number(column: NumericColumn, op: FilterOperator, value: Int64)
        case field(key: [UInt8], test: ValueTest)
        case lineTest(ValueTest)
        case constant(Bool)

        final class Box {
            var node: Node
            init(_ node: Node) { self.node = node }
        }

        static func compile(_ e: FilterExpression, store: EventStore) throws(FilterSyntaxError) -> Node {
            switch e {
            case .and(let a, let b): return .and(Box(try compile(a, store: store)), Box(try compile(b, store: store)))
            case .or(let a, let b): return .or(Box(try compile(a, store: store)), Box(try compile(b, store: store)))
            case .not(let a): return .not(Box(try compile(a, store: store)))
            case .compare(let field, let op, let value):
                let test = try ValueTest(op: op, value: value)
                switch field.lowercased() {
                case "event", "name":
                    var ids = IDSet(count: store.eventNames.count)
                    for (i, name) in store.eventNames.enumerated() where test.matches(name) { ids.insert(i) }
                    return .eventIn(ids)
                case "comm":
                    return .taskTest(TaskTest(test: test, label: { store.taskNames[$0] }))
                case "task":
                    return .taskTest(TaskTest(test: test, label: { store.taskLabel(UInt32($0)) }))
                case "pid", "tgid", "cpu":
                    guard let v = Int64(value) ?? Int64(hex: value), op != .matches, op != .notMatches else {
                        throw FilterSyntaxError("`\(field)` compares with a number, not `\(value)`")
                    }
                    let column: NumericColumn = field == "pid" ? .pid : field == "tgid" ? .tgid : .cpu
                    return .number(column: column, op: op, value: v)
                case "time", "ts":
                    guard let v = TimeFormat.parseTimestamp(value, clock: store.summary.clock) else {
                        throw FilterSyntaxError("`\(field)` needs a time like 1720.5, not `\(value)`")
                    }
                    return .number(column: .time, op: op, value: v)
                case "line":
                    return .lineTest(test)
                case "host":
                    var ids = IDSet(count: max(1, store.hostNames.count))
                    for (i, name) in store.hostNames.enumerated() where test.matches(name) { ids.insert(i) }
                    return .hostIn(ids)
                default:
                    return .field(key: Array(field.utf8), test: test)
                }
            }
        }

        mutating func evaluate(_ row: Int, store: EventStore) -> Bool {
            switch self {
            case .and(let a, let b): return a.node.evaluate(row, store: store) && b.node.evaluate(row, store: store)
            case .or(let a, let b): return a.node.evaluate(row, store: store) || b.node.evaluate(row, store: store)
            case .not(let a): return !a.node.evaluate(row, store: store)
            case .constant(let v): return v
            case .eventIn(let ids): return ids.contains(Int(store.eventID(row)))
            case .hostIn(let ids):
                let (c, i) = store.locate(row)
                return ids.contains(Int(c.host(at: i)))
            case .taskTest(let t):
                let r = store.row(row)
                guard r.isEvent else { return false }
                return t.matches(Int(r.task))
            case .number(let column, let op, let value):
                let r = store.row(row)
                guard r.isEvent else { return false }
                let v: Int64
                switch column {
                case .pid: v = Int64(store.taskPIDs[Int(r.task)])
                case .tgid: v = Int64(store.taskTGIDs[Int(r.task)])
                case .cpu:
                    guard let c = r.cpu else { return false }
                    v = Int64(c)
                case .time: v = r.timestamp
                }
                return op.compare(v, value)
            case .field(let key, let test):
                let (chunk, i) = store.locate(row)
                guard SpecialEvent.isEvent(chunk.events[i]) else { return false }
                let line = chunk.line(i)
                let off = min(chunk.payloadOffset(i), line.count)
                guard let value = EventFields.value(of: key, in: UnsafeRawBufferPointer(rebasing: line[off...])) else {
                    return false
                }
                return test.matches(String(value))
            case .lineTest(let test):
                return test.matches(store.lineText(row))
            }
        }
    }

    enum NumericColumn { case pid, tgid, cpu, time }

    /// A test on text or numbers: numeric when both sides read as numbers (decimal or 0x hex).
    struct ValueTest {
        let op: FilterOperator
        let value: String
        let number: Int64?
        let regex: ByteRegex?

        init(op: FilterOperator, value: String) throws(FilterSyntaxError) {
            self.op = op
            self.value = value
            number = Int64(value) ?? Int64(hex: value)
            if op == .matches || op == .notMatches {
                do {
                    regex = try ByteRegex(value)
                } catch {
                    throw FilterSyntaxError("bad regular expression `\(value)`: \(error.description)")
                }
            } else {
                regex = nil
            }
        }

        func matches(_ text: String) -> Bool {
            switch op {
            case .matches: return regex?.matches(text) ?? false
            case .notMatches: return !(regex?.matches(text) ?? false)
            default:
                if let n = number, let t = Int64(text) ?? Int64(hex: text) { return op.compare(t, n) }
                switch op {
                case .equal: return text == value
                case .notEqual: return text != value
                case .less: return text < value
                case .lessOrEqual: return text <= value
                case .greater: return text > value
                case .greaterOrEqual: return text >= value
                default: return false
                }
            }
        }
    }

    /// A test on a task's name, answered once per task id.
    final class TaskTest {
        let test: ValueTest
        let label: (Int) -> String
        var answers: [Int8] = []

        init(test: ValueTest, label: @escaping (Int) -> String) {
            self.test = test
            self.label = label
        }

        func matches(_ task: Int) -> Bool {
            if task >= answers.count { answers += Array(repeating: -1, count: task + 1 - answers.count) }
            if answers[task] < 0 { answers[task] = test.matches(label(task)) ? 1 : 0 }
            return answers[task] == 1
        }
    }
}

/// A set of small integer ids as a bit array.
struct IDSet {
    private var words: [UInt64]
    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }
    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
    func contains(_ i: Int) -> Bool { i >> 6 < words.count && words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
}

extension FilterOperator {
    func compare(_ a: Int64, _ b: Int64) -> Bool {
        switch self {
        case .equal, .matches: return a == b
        case .notEqual, .notMatches: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        }
    }
}

extension Int64 {
    init?(hex text: String) {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
        guard let v = UInt64(text.dropFirst(2), radix: 16) else { return nil }
        self = Int64(bitPattern: v)
    }
}
