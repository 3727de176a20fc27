import Foundation

/// Builds the large log the benchmark reads: one `# tracer: nop` header, then copies of real sample
/// bodies with their timestamps moved so that they keep increasing from copy to copy.
///
/// The rewrite is byte-level: each line's `sec.usec` is replaced by the shifted value (the line grows
/// by a byte when the seconds gain a digit); everything else is the sample's own text.
enum TraceGenerator {
    /// Three default-layout syscall captures to one Android atrace capture (with a TGID column):
    /// mostly the layout tracetui sees most, plus enough of the other to keep both paths honest.
    static let mix = [
        "tracetui-vm-6.18-default-5char-syscalls.txt",
        "tracetui-vm-6.18-default-5char-syscalls.txt",
        "tracetui-vm-6.18-default-5char-syscalls.txt",
        "tracecompass-atrace-test-tgid-tracing_mark_write.txt",
    ]
    /// Space between the last event of one copy and the first of the next.
    static let gapMicros: Int64 = 1_000

    struct Outcome {
        var path: String
        var reused: Bool
        var copies: [String: Int] = [:]
    }

    /// Reuses `path` when it already looks like a log of this size, else writes it anew.
    static func ensure(path: String, bytes target: Int) throws(BenchError) -> Outcome {
        let templates = try loadTemplates()
        let roundBytes = templates.reduce(0) { $0 + $1.body.count + $1.stamps.count }
        if let size = fileSize(path), size >= target, size < target + 2 * roundBytes, startsWithTracer(path) {
            return Outcome(path: path, reused: true)
        }
        return try writeLog(path: path, bytes: target, templates: templates)
    }

    private static func loadTemplates() throws(BenchError) -> [SampleTemplate] {
        var byName: [String: SampleTemplate] = [:]
        var out: [SampleTemplate] = []
        for name in mix {
            if byName[name] == nil { byName[name] = try SampleTemplate(path: BenchPaths.samples + "/" + name) }
            out.append(byName[name]!)
        }
        return out
    }

    private static func writeLog(path: String, bytes target: Int,
                              templates: [SampleTemplate]) throws(BenchError) -> Outcome {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw BenchError("cannot create \(directory): \(error)")
        }
        // Written beside the target and renamed at the end, so an interrupted run is never reused.
        let partial = path + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(partial): \(String(cString: strerror(errno)))") }
        var closed = false
        defer { if !closed { close(fd) } }
        var outcome = Outcome(path: path, reused: false)
        var written = 0
        var buffer = header(templates[0]).utf8.map { $0 }
        var cursor = templates[0].firstMicros
        while written + buffer.count < target {
            for t in templates {
                t.appendCopy(to: &buffer, shiftedBy: cursor - t.firstMicros)
                cursor += t.spanMicros + gapMicros
                outcome.copies[t.name, default: 0] += 1
            }
            if buffer.count >= 8 << 20 { written += try flush(&buffer, to: fd, path: partial) }
        }
        _ = try flush(&buffer, to: fd, path: partial)
        close(fd)
        closed = true
        guard rename(partial, path) == 0 else {
            throw BenchError("cannot rename \(partial): \(String(cString: strerror(errno)))")
        }
        return outcome
    }

    private static func header(_ first: SampleTemplate) -> String {
        // The column legend of the main sample; its `entries-in-buffer` line would be wrong here.
        let legend = first.headerLines.filter { !$0.contains("tracer:") && !$0.contains("entries-in-buffer") }
        return (["# tracer: nop", "#", "# tracetui-bench: copies of real samples, timestamps shifted to increase"]
            + legend).joined(separator: "\n") + "\n"
    }

    /// Writes and empties the buffer; returns how many bytes went out.
    private static func flush(_ buffer: inout [UInt8], to fd: Int32, path: String) throws(BenchError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
        return done
    }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    private static func startsWithTracer(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 14)) ?? Data()
        return head == Data("# tracer: nop\n".utf8)
    }
}
