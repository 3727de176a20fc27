import Glibc
import Synchronization
import TraceModel

/// An export written on a task of its own, into a new file at `<path>`: the viewer asks for its `state` each
/// frame and keeps answering keys while millions of events are written.
public final class ExportJob: Sendable {
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

    private let box = Mutex(State.running(bytes: 0))
    public var state: State { box.withLock { $0 } }

    /// Starts writing: `write` fills the sink and returns the number of records written. A failed export
    /// leaves no file behind.
    public static func start(path: String,
                             write: @escaping @Sendable (inout ByteSink) throws -> Int) -> ExportJob {
        let job = ExportJob()
        Task.detached(priority: .utility) { job.run(path: path, write: write) }
        return job
    }

    private func run(path: String, write: (inout ByteSink) throws -> Int) {
        let file: ExportFile
        do {
            file = try ExportFile(path: path)
        } catch {
            box.withLock { $0 = .failed(error.description) }
            return
        }
        var sink = ByteSink { [self] bytes in
            file.write(bytes)
            box.withLock { if case .running(let n) = $0 { $0 = .running(bytes: n + bytes.count) } }
        }
        do {
            let records = try write(&sink)
            sink.finish()
            try file.finish()
            box.withLock { $0 = .finished(path: path, records: records, bytes: file.bytesWritten) }
        } catch {
            unlink(path)
            box.withLock { $0 = .failed("\(error)") }
        }
    }
}
