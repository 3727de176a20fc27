import Glibc
import TraceModel

/// Writing an export into a new file at `<path>`, on whatever thread calls it (the viewer's job runner, off
/// the UI thread), reporting the bytes written as it goes. A failed export leaves no file behind.
public enum ExportJob {
    public enum State: Sendable, Equatable {
        /// Bytes written so far.
        case running(bytes: Int)
        case finished(path: String, records: Int, bytes: Int)
        case failed(String)

        public var isRunning: Bool {
            if case .running = self { return true }
            return false
        }
    }

    /// Writes: `write` fills the sink and returns the number of records written; `progress` hears the bytes
    /// written so far after each chunk.
    public static func run(path: String, progress: @escaping (Int) -> Void = { _ in },
                           write: (inout ByteSink) throws -> Int) -> State {
        let file: ExportFile
        do {
            file = try ExportFile(path: path)
        } catch {
            return .failed(error.description)
        }
        var written = 0
        var sink = ByteSink { bytes in
            file.write(bytes)
            written += bytes.count
            progress(written)
        }
        do {
            let records = try write(&sink)
            sink.finish()
            try file.finish()
            return .finished(path: path, records: records, bytes: file.bytesWritten)
        } catch {
            unlink(path)
            return .failed("\(error)")
        }
    }
}
