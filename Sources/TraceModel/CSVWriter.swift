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
        sink.text(Self.header)
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
                    var s = ByteSink(threshold: .max) { _ in }
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
                sink.csvField(UnsafeRawBufferPointer(rebasing: line[min(Int(chunk.payloadOffsets[i]), line.count)...]))
            } else {
                // Lost-events markers and unparsed lines: the whole line is the detail.
                sink.csvField(store.eventNames[Int(event)])
                sink.byte(UInt8(ascii: ","))
                sink.csvField(line)
            }
            sink.byte(0x0A)
            written += 1
            sink.maybeFlush()
        }
        sink.finish()
        return written
    }
}
