/// The values the latency passes read of the few events they measure, taken from the records' own bytes by the
/// live reader (`Sources/CTracefs/latency_fields.h`) as it formats them: a live row with these is measured without
/// scanning its text. Rows without them (replay, text lines, types the reader could not resolve) are read from
/// their text as before; both give the same values (`TypedFieldsTests`).
///
/// Sparse, as the reader hands them over: `rows[k]` is the index of the row (among `DecodedRows`, or a piece's
/// rows) that `kinds[k]`, `f0[k]`, `f1[k]` belong to, ascending.
public struct TypedFields: Sendable {
    /// What `f0` / `f1` hold (the C side's `TT_LAT_*`).
    public enum Kind: UInt8 {
        case none = 0
        /// f0: prev_pid (low 32 bits) | next_pid << 32; f1: the printed state's first letter, | 0x100 when preempted.
        case schedSwitch = 1
        /// f0: the woken pid; f1: 1 when its comm is not empty.
        case wakee = 2
        /// f0: pid; f1: runtime ns.
        case runtime = 3
        /// f0: the syscall number; f1: the return (exits).
        case syscall = 4
        /// f1: the return of a `sys_exit_NAME`.
        case ret = 5
        /// f0: the irq or softirq vector number.
        case irq = 6
        /// f0: the kernel's dev_t (low 32 bits) | bytes << 32; f1: the sector.
        case block = 7
    }

    public var rows: [UInt32] = []
    public var kinds: [UInt8] = []
    public var f0: [Int64] = []
    public var f1: [Int64] = []

    public init() {}

    public var count: Int { rows.count }

    /// The entries of rows `lo..<hi`, renumbered from `lo` (`DecodedRows.rows(in:)`).
    public func slice(_ lo: Int, _ hi: Int) -> TypedFields {
        let a = first(atOrAfter: lo), b = first(atOrAfter: hi)
        var out = TypedFields()
        guard a < b else { return out }
        let base = UInt32(truncatingIfNeeded: lo)
        out.rows = rows[a..<b].map { $0 &- base }
        out.kinds = Array(kinds[a..<b])
        out.f0 = Array(f0[a..<b])
        out.f1 = Array(f1[a..<b])
        return out
    }

    private func first(atOrAfter row: Int) -> Int {
        var a = 0, b = rows.count
        while a < b {
            let m = (a + b) / 2
            if Int(rows[m]) < row { a = m + 1 } else { b = m }
        }
        return a
    }

    @inline(__always)
    mutating func append(row: Int, kind: UInt8, _ a: Int64, _ b: Int64) {
        rows.append(UInt32(truncatingIfNeeded: row))
        kinds.append(kind)
        f0.append(a)
        f1.append(b)
    }
}

/// A chunk's typed values, one entry per row (kind 0: none, read the text).
public final class TypedColumn: Sendable {
    let kinds: [UInt8]
    let f0: [Int64]
    let f1: [Int64]

    /// Dense columns for `rowCount` rows from a piece's sparse entries; nil when it has none.
    init?(_ sparse: TypedFields, rowCount: Int) {
        guard sparse.count > 0 else { return nil }
        var kinds = [UInt8](repeating: 0, count: rowCount)
        var f0 = [Int64](repeating: 0, count: rowCount)
        var f1 = [Int64](repeating: 0, count: rowCount)
        for k in 0..<sparse.count {
            let r = Int(sparse.rows[k])
            guard r < rowCount else { continue }
            kinds[r] = sparse.kinds[k]
            f0[r] = sparse.f0[k]
            f1[r] = sparse.f1[k]
        }
        self.kinds = kinds
        self.f0 = f0
        self.f1 = f1
    }

    /// Bytes a row.
    static let rowBytes = 17
}

extension TypedFields {
    /// Copies decoded row `row`'s entry, if it has one, to `out` as `pieceRow`; `cursor` walks the entries in order.
    @inline(__always)
    func carry(_ cursor: inout Int, row: Int, to out: inout TypedFields, pieceRow: Int) {
        while cursor < rows.count, Int(rows[cursor]) < row { cursor += 1 }
        guard cursor < rows.count, Int(rows[cursor]) == row else { return }
        out.append(row: pieceRow, kind: kinds[cursor], f0[cursor], f1[cursor])
        cursor += 1
    }
}
