import Glibc
import TraceModel

/// Reads a uftrace.data directory: `<dir>/info`, `<dir>/task.txt`, `<dir>/<tid>.dat`, `<dir>/perf-cpuN.dat`,
/// `<dir>/sid-<id>.map` and `<dir>/<module>.sym`; `UftraceData` decodes them.
public enum UftraceDataDirectory {
    /// Whether `path` is a directory whose `info` file opens with uftrace's magic.
    public static func isUftraceData(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return false }
        guard let head = try? MappedFile.contents(of: path + "/info") else { return false }
        return UftraceData.isInfo(head)
    }

    /// The directory's calls as `uftrace replay` text with timestamps; nil when `path` is not a uftrace.data
    /// directory. Records that made no sense are counted in a closing comment line.
    public static func replayText(path: String) throws(CaptureError) -> [UInt8]? {
        guard isUftraceData(path) else { return nil }
        var files = UftraceData.Files()
        files.info = try MappedFile.contents(of: path + "/info")
        files.taskText = String(decoding: (try? MappedFile.contents(of: path + "/task.txt")) ?? [], as: UTF8.self)
        for name in entries(path) {
            if name.hasSuffix(".dat"), let tid = Int32(name.dropLast(4)) {
                files.tasks.append((tid, try MappedFile.contents(of: "\(path)/\(name)")))
            } else if name.hasPrefix("perf-cpu"), name.hasSuffix(".dat") {
                files.perf.append(try MappedFile.contents(of: "\(path)/\(name)"))
            } else if name.hasPrefix("sid-"), name.hasSuffix(".map") {
                let sid = String(name.dropFirst(4).dropLast(4))
                files.maps[sid] = String(decoding: try MappedFile.contents(of: "\(path)/\(name)"), as: UTF8.self)
            } else if name.hasSuffix(".sym") {
                files.symbols[String(name.dropLast(4))] =
                    String(decoding: try MappedFile.contents(of: "\(path)/\(name)"), as: UTF8.self)
            }
        }
        guard !files.tasks.isEmpty else { throw CaptureError("\(path): a uftrace.data directory with no <tid>.dat") }
        // Threads in the order task.txt lists them (the order uftrace replays ties in), then by id.
        let order = taskOrder(files.taskText)
        files.tasks.sort { (order[$0.tid] ?? Int.max, $0.tid) < (order[$1.tid] ?? Int.max, $1.tid) }
        var result = UftraceData.replayText(files)
        if result.malformedRecords > 0 {
            result.text += Array("# \(result.malformedRecords) malformed uftrace records skipped\n".utf8)
        }
        return result.text
    }

    static func taskOrder(_ text: String) -> [Int32: Int] {
        var order: [Int32: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("TASK ") {
            for field in line.split(separator: " ") where field.hasPrefix("tid=") {
                if let tid = Int32(field.dropFirst(4)), order[tid] == nil { order[tid] = order.count }
            }
        }
        return order
    }

    static func entries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
