import CTracefs
import Glibc

/// Records an instance's ring-buffer pages unchanged into a trace-cmd `trace.dat` (v6): while tracing, each
/// CPU's pages are appended to an unnamed file of its own beside the target (the file needs each CPU's data in
/// one run, and their sizes are known only at the end); `finish` writes the header (`TraceDatLayout`) and
/// the CPU data after it. Nothing is decoded but a count of records and the event ids that occur (their
/// formats go into the file), so it costs about what `trace-cmd record` does.
///
/// Reads `<instance>/per_cpu/cpuN/trace_pipe_raw`; at the end `<root>/events/…/format`, `header_page`,
/// `header_event`, `printk_formats`, `saved_cmdlines`, `<instance>/trace_clock`, `per_cpu/cpuN/stats` and
/// `/proc/kallsyms`.
public final class TraceDatRecorder: LiveReader, @unchecked Sendable {
    // Used by one thread at a time (record's loop), like RawEventReader.
    private let instance: TraceInstance
    /// The per-CPU descriptors and page buffers, open from `init` to `close` (nil after).
    private var reader: UnsafeMutablePointer<tt_cpu_reader>?
    /// Per reader slot: the CPU number and the unnamed file its pages go to.
    private var slots: [(cpu: Int, fd: Int32)] = []
    private var totals = tt_page_totals()
    private let seen = UnsafeMutablePointer<tt_seen_ids>.allocate(capacity: 1)
    public private(set) var pageSize = 4096
    public var events: Int { Int(totals.events) }
    public var missed: Int { Int(totals.missed) }
    public var pages: Int { Int(totals.pages) }

    /// `directory`: where the CPU files are made (the target's, so `finish` copies within one filesystem).
    public init(instance: TraceInstance, directory: String) throws(CaptureError) {
        self.instance = instance
        seen.initialize(to: tt_seen_ids())
        guard let reader = tt_cpu_reader_open(instance.tep, instance.handle) else {
            throw CaptureError("cannot open the ring buffers of \(instance.dir)")
        }
        self.reader = reader
        for i in 0..<Int(reader.pointee.count) {
            let stream = reader.pointee.cpus[i]
            if i == 0 { pageSize = Int(stream.size) }
            let fd = try Self.unnamedFile(in: directory)
            slots.append((Int(stream.cpu), fd))
        }
    }

    deinit {
        close()
        for s in slots { Glibc.close(s.fd) }
        seen.deallocate()
    }

    /// A file with no name in `directory` (gone when closed, whatever ends the process); named and unlinked
    /// at once where the filesystem has no O_TMPFILE.
    static func unnamedFile(in directory: String) throws(CaptureError) -> Int32 {
        let dir = directory.isEmpty ? "." : directory
        // O_TMPFILE (__O_TMPFILE | O_DIRECTORY): a macro Swift does not import.
        let fd = open(dir, 0o20_200_000 | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 { return fd }
        var template = Array((dir + "/.tracetui-cpu-XXXXXX").utf8CString)
        let named = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard named >= 0 else { throw CaptureError("cannot make a file in \(dir): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return named
    }

    public func close() {
        tt_cpu_reader_close(reader)
        reader = nil
    }

    /// Copies every page the buffers hold now; `progress` is asked every `RawEventReader.tickInterval` under a
    /// load that refills them as fast as they are read (true: stop). No text: the pages are the record.
    public func drain(progress: (([RawEventReader.TextRange]) -> Bool)?) -> [RawEventReader.TextRange] {
        let fds = slots.map(\.fd)
        var lastTick = ContinuousClock.now
        guard let reader else { return [] }
        // Pages still being written are left to fill until tracing stops (a read of one took the few records
        // written since the last, a page in the file each).
        let final: Int32 = instance.tracingStopped ? 1 : 0
        fds.withUnsafeBufferPointer { fdp in
            while totals.error == 0, tt_cpu_reader_copy_pages(reader, fdp.baseAddress, final, seen, &totals) > 0 {
                let now = ContinuousClock.now
                if now - lastTick >= RawEventReader.tickInterval {
                    lastTick = now
                    if progress?([]) == true { break }
                }
            }
        }
        return []
    }

    /// The first write error (errno), 0 when none.
    public var writeError: Int32 { totals.error }

    /// Writes the trace.dat to `path` (whole or not at all): the header from tracefs as it is now, then each
    /// CPU's pages. Call after the last drain.
    public func finish(to path: String) throws(CaptureError) {
        if totals.error != 0 {
            throw CaptureError("cannot write the pages beside \(path): \(String(cString: strerror(totals.error)))")
        }
        let layout = TraceDatSources.layout(instance: instance, pageSize: pageSize, seenIDs: seenIDs(),
                                            cpuCount: (slots.map(\.cpu).max() ?? -1) + 1)
        // Every CPU up to the highest has an entry; one with no buffer (offline) has no pages.
        var sizes = [Int](repeating: 0, count: layout.cpuCount)
        for s in slots { sizes[s.cpu] = Int(lseek(s.fd, 0, SEEK_END)) }
        let (header, _) = layout.layout.header(cpuSizes: sizes)
        let file = try AtomicFile(path: path)
        header.withUnsafeBytes { file.write($0) }
        for cpu in 0..<sizes.count {
            guard let fd = slots.first(where: { $0.cpu == cpu })?.fd, file.failure == 0 else { continue }
            let e = tt_copy_file(fd, file.fd, Int64(sizes[cpu]))
            if e != 0 {
                file.abandon()
                throw CaptureError("cannot write \(path): \(String(cString: strerror(e)))")
            }
        }
        try file.commit()
    }

    private func seenIDs() -> [Int] {
        withUnsafeBytes(of: &seen.pointee.ids) { ids in ids.indices.filter { ids[$0] != 0 } }
    }
}
