extension CallTree {
    /// Calls in columns, 32 bytes a call: the tree's storage, and each lane's while it is built.
    /// Depth-first order: a call's descendants are `n + 1 ..< subtreeEnd[n]`.
    struct Columns: Sendable, Equatable {
        var function: [UInt32] = []
        var total: [Int64] = []
        var firstRow: [UInt32] = []
        var lastRow: [UInt32] = []
        var parent: [Int32] = []
        var subtreeEnd: [Int32] = []
        /// The task id in the low `taskBits` bits, the flags above.
        var taskAndFlags: [UInt32] = []

        static let taskBits: UInt32 = 29
        static let taskMask: UInt32 = (1 << taskBits) - 1

        var count: Int { function.count }

        mutating func reserve(_ n: Int) {
            guard n > 0 else { return }
            function.reserveCapacity(n)
            total.reserveCapacity(n)
            firstRow.reserveCapacity(n)
            lastRow.reserveCapacity(n)
            parent.reserveCapacity(n)
            subtreeEnd.reserveCapacity(n)
            taskAndFlags.reserveCapacity(n)
        }

        /// A call that began at `row`; until it closes it holds nothing (`subtreeEnd` = itself + 1).
        mutating func append(function f: UInt32, parent p: Int32, row: Int, task: UInt32, flags: Flags) -> Int32 {
            let n = Int32(count)
            function.append(f)
            total.append(0)
            firstRow.append(UInt32(truncatingIfNeeded: row))
            lastRow.append(UInt32(truncatingIfNeeded: row))
            parent.append(p)
            subtreeEnd.append(n + 1)
            taskAndFlags.append(Self.pack(task: task, flags: flags))
            return n
        }

        static func pack(task: UInt32, flags: Flags) -> UInt32 {
            min(task, taskMask) | UInt32(flags.rawValue) << taskBits
        }

        func task(_ n: Int) -> UInt32 { taskAndFlags[n] & Self.taskMask }
        func flags(_ n: Int) -> Flags { Flags(rawValue: UInt8(truncatingIfNeeded: taskAndFlags[n] >> Self.taskBits)) }

        mutating func setTask(_ n: Int, _ task: UInt32) {
            taskAndFlags[n] = Self.pack(task: task, flags: flags(n))
        }

        mutating func insert(_ flag: Flags, _ n: Int) {
            taskAndFlags[n] |= UInt32(flag.rawValue) << Self.taskBits
        }

        /// Calls left open: their time is at least that of what ran inside them (children have higher ids).
        mutating func raiseUnfinishedTotals() {
            for n in stride(from: count - 1, through: 0, by: -1) where flags(n).contains(.unfinished) {
                var sum: Int64 = 0
                var c = n + 1
                while c < Int(subtreeEnd[n]) {
                    sum = sum.saturatingAdd(total[c])
                    c = Int(subtreeEnd[c])
                }
                total[n] = max(total[n], sum)
            }
        }

        /// The same calls renumbered depth first from their parents, roots and children in time order:
        /// needed once a `}` with no opening line adopted calls made before it.
        func laidOutDepthFirst() -> Columns {
            let n = count
            var start = [Int32](repeating: 0, count: n + 1)
            for p in parent where p >= 0 { start[Int(p) + 1] += 1 }
            for i in 0..<n { start[i + 1] += start[i] }
            var kids = [Int32](repeating: 0, count: Int(start[n]))
            var fill = start
            var roots: [Int32] = []
            for c in 0..<n {
                let p = Int(parent[c])
                if p < 0 {
                    roots.append(Int32(c))
                } else {
                    kids[Int(fill[p])] = Int32(c)
                    fill[p] += 1
                }
            }
            let first = firstRow
            for p in 0..<n where start[p + 1] - start[p] > 1 {
                kids[Int(start[p])..<Int(start[p + 1])].sort { first[Int($0)] < first[Int($1)] }
            }
            roots.sort { first[Int($0)] < first[Int($1)] }
            var out = Columns()
            out.reserve(n)
            var stack: [(old: Int32, parent: Int32)] = roots.reversed().map { ($0, -1) }
            while let (old, p) = stack.popLast() {
                let o = Int(old)
                _ = out.append(function: function[o], parent: p, row: Int(firstRow[o]), task: 0, flags: [])
                let new = out.count - 1
                out.total[new] = total[o]
                out.lastRow[new] = lastRow[o]
                out.taskAndFlags[new] = taskAndFlags[o]
                for k in stride(from: Int(start[o + 1]) - 1, through: Int(start[o]), by: -1) {
                    stack.append((kids[k], Int32(new)))
                }
            }
            // Subtree sizes, children before parents, then ends.
            var size = [Int32](repeating: 1, count: n)
            for v in stride(from: n - 1, through: 0, by: -1) where out.parent[v] >= 0 { size[Int(out.parent[v])] += size[v] }
            for v in 0..<n { out.subtreeEnd[v] = Int32(v) + size[v] }
            return out
        }

        /// Moves the last call to `position`, the calls from there on one place later: a `}` with no opening
        /// line goes in front of the calls it adopts. Ids at or past `position` shift by one.
        mutating func moveLastCall(to position: Int) {
            let last = count - 1
            guard position < last else { return }
            func rotate<T>(_ column: inout [T]) { column.insert(column.removeLast(), at: position) }
            rotate(&function)
            rotate(&total)
            rotate(&firstRow)
            rotate(&lastRow)
            rotate(&parent)
            rotate(&subtreeEnd)
            rotate(&taskAndFlags)
            for k in (position + 1)...last {
                if parent[k] >= Int32(position) { parent[k] += 1 }
                subtreeEnd[k] += 1
            }
            subtreeEnd[position] = Int32(count)
        }
    }
}
