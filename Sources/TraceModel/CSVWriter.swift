/// Writes the event stream as CSV (RFC 4180): one row per line of the trace, the columns of the stream view.
public struct CSVWriter {
    public let store: EventStore
    public var rows: Range<Int>
    public var include: ((Int) -> Bool)?

    public static let header = "row,time,cpu,task,pid,event,details"

    public init(store: EventStore, rows: Range<Int>? = nil, include: ((Int) -> Bool)? = nil) {
        self.store = store
        self.rows = rows ?? 0..<store.count
        self.include = include
    }

    /// Returns the number of rows written (the header not counted).
    @discardableResult
    public func write(to sink: inout ByteSink) -> Int {
        // Rows of several hosts: their host last, so that the columns before stay where they were.
        let hosts = store.hasSeveralHosts
        sink.text(Self.header)
        if hosts { sink.text(",host") }
        sink.byte(0x0A)
        var taskNames: [[UInt8]?] = Array(repeating: nil, count: store.taskNames.count)
        var written = 0
        for row in rows {
            if let include, !include(row) { continue }
            let (chunk, i) = store.locate(row)
            let event = chunk.events[i]
            let line = chunk.line(i)
            sink.int(Int64(row))
            sink.byte(UInt8(ascii: ","))
            sink.seconds(chunk.timestamps[i])
            sink.byte(UInt8(ascii: ","))
            if chunk.cpus[i] != 0xFFFF { sink.int(Int64(chunk.cpus[i])) }
            sink.byte(UInt8(ascii: ","))
            let task = Int(chunk.tasks[i])
            if store.taskPIDs[task] >= 0 {
                if taskNames[task] == nil {
                    var s = ByteSink(collecting: 64)
                    s.csvField(store.taskNames[task])
                    taskNames[task] = s.buffer
                }
                sink.append(contentsOf: taskNames[task]!)
                sink.byte(UInt8(ascii: ","))
                sink.int(Int64(store.taskPIDs[task]))
            } else {
                sink.byte(UInt8(ascii: ","))
            }
            sink.byte(UInt8(ascii: ","))
            if SpecialEvent.isEvent(event) {
                sink.csvField(store.eventNames[Int(event)])
                sink.byte(UInt8(ascii: ","))
                sink.csvField(UnsafeRawBufferPointer(rebasing: line[min(chunk.payloadOffset(i), line.count)...]))
            } else {
                // Lost-events markers and unparsed lines: the whole line is the detail.
                sink.csvField(store.eventNames[Int(event)])
                sink.byte(UInt8(ascii: ","))
                sink.csvField(line)
            }
            if hosts {
                sink.byte(UInt8(ascii: ","))
                sink.csvField(store.hostName(chunk.host(at: i)))
            }
            sink.byte(0x0A)
            written += 1
            sink.maybeFlush()
        }
        sink.finish()
        return written
    }
}

extension CSVWriter {
    public static let callPathHeader = "path,function,depth,calls,total_ns,self_ns,avg_ns,min_ns,max_ns,incomplete"

    /// The merged call paths (`tracetui graph`'s table) as CSV, callers before callees; `path` joins the
    /// functions from the root with `;` as folded stacks do. Returns the rows written.
    @discardableResult
    public static func callPaths(_ paths: CallPathTree, to sink: inout ByteSink) -> Int {
        sink.text(callPathHeader)
        sink.byte(0x0A)
        var written = 0
        var stack: [(node: Int, depth: Int, path: String)] = paths.roots.reversed().map { ($0, 0, "") }
        while let (n, depth, parentPath) = stack.popLast() {
            let node = paths.nodes[n]
            let path = parentPath.isEmpty ? node.name : parentPath + ";" + node.name
            sink.csvField(path)
            sink.byte(UInt8(ascii: ","))
            sink.csvField(node.name)
            for v in [Int64(depth), Int64(node.calls), node.total, node.selfTime,
                      node.calls > 0 ? node.total / Int64(node.calls) : 0, node.calls > 0 ? node.min : 0, node.max] {
                sink.byte(UInt8(ascii: ","))
                sink.int(v)
            }
            sink.ascii(node.incomplete ? ",1\n" : ",0\n")
            written += 1
            for c in node.children.reversed() { stack.append((c, depth + 1, path)) }
            sink.maybeFlush()
        }
        sink.finish()
        return written
    }
}
