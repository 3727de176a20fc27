import CTracefs
import Glibc
import TraceModel

/// Saves what the live viewer holds as a trace-cmd `trace.dat` (the viewer's `w` to a `.dat` name): the records it
/// kept as bytes, laid out again as ring-buffer pages per CPU (`RingPageWriter`) behind the same header `record -o
/// x.dat` writes (`TraceDatSources`), with the tasks' names as the store has them.
///
/// Rows with no kept record (lines only the kernel's formatter makes: ftrace's `print`, stacks, lost-event
/// markers; and every row of a capture with `--sample` or `--printk`, whose text is merged) are not in the file:
/// the answer says how many.
///
/// Reads `<root>/events/header_page`, `header_event`, the events' `format` files, `printk_formats`,
/// `<instance>/trace_clock` and `per_cpu/cpuN/stats` (while the instance is there) and `/proc/kallsyms`.
public enum KeptTraceDat {
    /// Writes `path` whole or not at all; what was saved, in words.
    public static func save(_ store: EventStore, to path: String) throws(CaptureError) -> String {
        var source: KeptRecordFormatter?
        let pageSize = Int(getpagesize())
        var cpus: [RingPageWriter] = []
        var seen = Set<Int>()
        var saved = 0, left = 0
        for chunk in store.chunks {
            guard let kept = chunk.keptFormatter as? KeptRecordFormatter else {
                left += chunk.count
                continue
            }
            source = source ?? kept
            for i in 0..<chunk.count {
                guard let record = chunk.keptRecord(i) else {
                    left += 1
                    continue
                }
                var header = tt_kept_header()
                withUnsafeMutableBytes(of: &header) { $0.copyMemory(from: UnsafeRawBufferPointer(start: record, count: $0.count)) }
                let cpu = Int(header.cpu)
                while cpus.count <= cpu { cpus.append(RingPageWriter(pageSize: pageSize)) }
                let data = UnsafeRawBufferPointer(start: record + KeptRecordFormatter.headerSize + Int(header.comm_len),
                                                  count: Int(header.size))
                cpus[cpu].add(ts: UInt64(bitPattern: header.ts), data: data)
                seen.insert(Int(header.type))
                saved += 1
            }
        }
        guard let source, saved > 0 else {
            throw CaptureError("not saved: no record of this capture was kept as the kernel wrote it (a capture with "
                + "--sample or --printk, or a replay, holds text only): save as text (any other name), or record a "
                + "trace.dat with `tracetui record -o \(path)`")
        }
        for k in cpus.indices { cpus[k].finishPage() }
        let events = source.eventTypes.filter { $0.system == "ftrace" || seen.contains($0.id) }.map { ($0.system, $0.name) }
        let (layout, _) = TraceDatSources.layout(root: source.root, instanceDir: source.instanceDir, events: events,
                                                 pageSize: pageSize, cpuCount: cpus.count,
                                                 cmdlines: cmdlines(store))
        let (header, _) = layout.header(cpuSizes: cpus.map(\.bytes.count))
        let file = try AtomicFile(path: path)
        header.withUnsafeBytes { file.write($0) }
        for c in cpus { c.bytes.withUnsafeBytes { file.write($0) } }
        try file.commit()
        let rest = left > 0 ? "; \(left) rows with no record (ftrace's own lines, stacks, lost markers) left out" : ""
        return "saved \(saved) events to \(path) (trace.dat)\(rest)"
    }

    /// `pid comm` per task, as `saved_cmdlines` has them: the names the rows carry.
    static func cmdlines(_ store: EventStore) -> [UInt8] {
        var text = ""
        var done = Set<Int32>()
        for t in store.taskPIDs.indices.reversed() where store.taskPIDs[t] > 0 && !store.taskNames[t].isEmpty {
            if done.insert(store.taskPIDs[t]).inserted { text += "\(store.taskPIDs[t]) \(store.taskNames[t])\n" }
        }
        return Array(text.utf8)
    }
}
