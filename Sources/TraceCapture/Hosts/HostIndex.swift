import Foundation
import TraceModel

/// The index of a recording from several hosts (`record --host … -o DIR`): one line per host with its file and
/// its clock offset, so that a replay puts every host's events on one time line.
///
/// Reads and writes `<dir>/hosts.index`:
/// ```
/// # tracetui hosts 1
/// host NAME FILE OFFSET_NS UNCERTAINTY_NS
/// ```
/// Each host's file holds its own clock's times; the offset (the host's clock minus the recorder's) is
/// subtracted on replay.
public struct HostIndex: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var host: String
        public var file: String
        public var offset: Int64
        public var uncertainty: Int64?

        public init(host: String, file: String, offset: Int64, uncertainty: Int64?) {
            self.host = host
            self.file = file
            self.offset = offset
            self.uncertainty = uncertainty
        }
    }

    public static let fileName = "hosts.index"
    public var directory: String
    public var entries: [Entry]

    public init(directory: String, entries: [Entry]) {
        self.directory = directory
        self.entries = entries
    }

    /// The index of `path` (the directory or the index file itself), nil when it is neither.
    public static func load(_ path: String) -> HostIndex? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let file = isDirectory.boolValue ? path + "/" + fileName : path
        guard (file as NSString).lastPathComponent == fileName,
              let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        var entries: [Entry] = []
        for line in text.split(separator: "\n") where line.hasPrefix("host ") {
            let w = line.split(separator: " ")
            guard w.count >= 4, let offset = Int64(w[3]) else { continue }
            entries.append(Entry(host: String(w[1]), file: String(w[2]), offset: offset,
                                 uncertainty: w.count > 4 ? Int64(w[4]) : nil))
        }
        return HostIndex(directory: directory.isEmpty ? "." : directory, entries: entries)
    }

    public func path(of entry: Entry) -> String { directory + "/" + entry.file }

    public func save() throws {
        var text = "# tracetui hosts 1\n# host NAME FILE OFFSET_NS UNCERTAINTY_NS (the host's clock minus the recorder's)\n"
        for e in entries { text += "host \(e.host) \(e.file) \(e.offset) \(e.uncertainty.map(String.init) ?? "-")\n" }
        try text.write(toFile: directory + "/" + Self.fileName, atomically: true, encoding: .utf8)
    }

    /// A file name for a host: its name with anything odd replaced.
    public static func fileName(forHost host: String) -> String {
        String(host.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }) + ".txt"
    }
}

extension HostIndex {
    /// Saves a store of several hosts as `record --host` does: `dir` gets a file per host (its lines as the host
    /// wrote them, on its own clock) and the index with the offset its rows were moved by.
    public static func save(_ store: EventStore, to dir: String) throws(CaptureError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw CaptureError("cannot make \(dir): \(error.localizedDescription)")
        }
        var entries: [Entry] = []
        var rows = 0
        for (id, host) in store.hostNames.enumerated() {
            let file = fileName(forHost: host)
            let (written, offset) = try write(host: UInt16(id), of: store, to: dir + "/" + file)
            rows += written
            entries.append(Entry(host: host, file: file, offset: offset ?? 0, uncertainty: nil))
        }
        do {
            try HostIndex(directory: dir, entries: entries).save()
        } catch {
            throw CaptureError("cannot write \(dir)/\(fileName): \(error.localizedDescription)")
        }
        return "saved \(rows) rows of \(entries.count) hosts to \(dir)/ (a file per host and \(fileName))"
    }

    /// One host's rows, their text as it came (with the stack lines after each), whole chunks where the chunk is
    /// the host's alone; the rows written and the last offset they were moved by.
    private static func write(host: UInt16, of store: EventStore, to path: String) throws(CaptureError) -> (Int, Int64?) {
        let file = try AtomicFile(path: path)
        var rows = 0
        var offset: Int64?
        var buffer: [UInt8] = []
        func flush() {
            buffer.withUnsafeBytes { file.write($0) }
            buffer.removeAll(keepingCapacity: true)
        }
        for chunk in store.chunks {
            guard let shift = chunk.timeShift(ofHost: host) else { continue }
            offset = shift
            if !chunk.mixesHosts {
                flush()
                chunk.forEachText { file.write($0) }
                rows += chunk.count
                continue
            }
            // Rows of several hosts: this host's gathered, written a megabyte at a time.
            for i in 0..<chunk.count where chunk.host(at: i) == host {
                buffer.append(contentsOf: chunk.rowText(i))
                rows += 1
                if buffer.count >= 1 << 20 { flush() }
            }
        }
        flush()
        try file.commit()
        return (rows, offset)
    }
}
