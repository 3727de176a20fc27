/// The function_graph lines of one piece taken apart while their bytes are at hand, so that the call tree
/// is built from these few numbers instead of reading every line a second time.
///
/// Rows are the piece's (or chunk's) own; function names and task labels are ids of `names`.
public struct GraphOps: Sendable {
    public enum Kind: UInt8, Sendable {
        case entry, leaf, exit, irqEnter, irqExit
        /// A ` 1)  bash-2794  =>  sshd-567` banner: `name` is the task on the right, `from` the one on the left.
        case taskSwitch
    }

    struct Op {
        var row: UInt32
        var kind: Kind
        /// Columns of indentation before the function text (depth × 2 in the kernel's layout).
        var indent: UInt16
        /// The function (entry, leaf, an exit's `/* func */` comment) or the task switched to; `noName` if none.
        var name: UInt32
        /// Nanoseconds from the DURATION column, or -1; for a task switch, the id of the task switched from or -1.
        var duration: Int64
    }

    static let noName = UInt32.max

    var ops: [Op] = []
    var names = ByteInterner()

    public init() {}

    public var isEmpty: Bool { ops.isEmpty }
    public var count: Int { ops.count }
    /// Lines that begin a call (entries and leaves).
    public var callCount: Int { ops.reduce(0) { $0 + ($1.kind == .entry || $1.kind == .leaf ? 1 : 0) } }

    /// Takes apart a function_graph line whose payload (after the cpu and flag columns) starts at `payload`.
    mutating func add(_ line: LineBytes, payload: Int, row: Int) {
        let g = GraphLine.parse(line, from: payload)
        let kind: Kind
        switch g.kind {
        case .entry: kind = .entry
        case .leaf: kind = .leaf
        case .exit: kind = .exit
        case .irqEnter: kind = .irqEnter
        case .irqExit: kind = .irqExit
        case .comment, .other: return
        }
        let name: UInt32
        if let scheduled = g.scheduleName {
            name = names.intern(scheduled.rawValue)
        } else {
            name = g.nameEnd > g.nameStart ? names.intern(line.p + g.nameStart, g.nameEnd - g.nameStart) : Self.noName
        }
        ops.append(Op(row: UInt32(truncatingIfNeeded: row), kind: kind, indent: UInt16(clamping: g.indent), name: name,
                      duration: g.duration ?? -1))
    }

    /// ` 0)  platfor-3210  =>  vmstat-2854`: later calls on this CPU belong to the task on the right.
    mutating func addTaskSwitch(_ line: LineBytes, payload: Int, row: Int) {
        var k = payload
        while k + 2 < line.count {
            if line[k] == Byte.equals, line[k + 1] == Byte.greater, Byte.isSpace(line[k + 2]) {
                let s = line.skipSpaces(from: k + 2)
                let e = line.trimmedEnd(line.count)
                let leftEnd = line.trimmedEnd(k)
                let leftStart = line.skipSpaces(from: payload)
                guard s < e else { return }
                let from = leftStart < leftEnd ? Int64(names.intern(line.p + leftStart, leftEnd - leftStart)) : -1
                ops.append(Op(row: UInt32(truncatingIfNeeded: row), kind: .taskSwitch, indent: 0,
                              name: names.intern(line.p + s, e - s), duration: from))
                return
            }
            k += 1
        }
    }
}
