import ArgumentParser
import Foundation
import Glibc
import Terminal
import TraceCapture
import TraceModel

/// `tracetui record --host A --host B -o DIR`: each host's events into DIR/HOST.txt as its remote capture sends
/// them (its own clock's times), and DIR/hosts.index with each host's clock offset for `replay DIR`.
struct RecordHosts {
    let capture: CaptureFlags
    let hosts: HostFlags
    let directory: String
    let duration: Double?

    func run() async throws {
        guard directory != "-" else { throw ValidationFailure("with --host, -o names a directory (a file per host)") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ValidationFailure("cannot make \(directory): \(error.localizedDescription)")
        }
        let captures = try hosts.captures(capture)
        let signals = StopSignals.install()
        signal(SIGPIPE, SIG_IGN)
        var files: [FileHandle] = []
        var entries: [HostIndex.Entry] = []
        for c in captures {
            let name = HostIndex.fileName(forHost: c.name)
            let path = directory + "/" + name
            guard FileManager.default.createFile(atPath: path, contents: nil), let f = FileHandle(forWritingAtPath: path) else {
                throw ValidationFailure("cannot write \(path)")
            }
            files.append(f)
            entries.append(HostIndex.Entry(host: c.name, file: name, offset: 0, uncertainty: nil))
        }
        captures.forEach { $0.start() }
        let started = Date()
        var rows = [Int](repeating: 0, count: captures.count)
        var said = [String?](repeating: nil, count: captures.count)
        // Each host's /proc samples beside its file (HOST.txt.proc, on its own clock like the file).
        var sidecars = [ProcSidecarWriter?](repeating: nil, count: captures.count)
        func drain() {
            for (k, c) in captures.enumerated() {
                let batch = c.take()
                if !batch.samples.isEmpty, sidecars[k] == nil {
                    sidecars[k] = try? ProcSidecarWriter(path: ProcSidecar.path(forTrace: directory + "/" + entries[k].file),
                                                         pageSize: batch.pageSize)
                }
                batch.samples.forEach { sidecars[k]?.append($0) }
                for item in batch.items {
                    switch item {
                    case .text(let r):
                        files[k].write(Data(r.bytes))
                        rows[k] += r.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    case .gap:
                        // A lost connection: a lost-events line where the host's events stop.
                        files[k].write(Data("[LOST EVENTS]\n".utf8))
                    }
                }
                let status = c.status
                if let o = status.offset {
                    entries[k].offset = o
                    entries[k].uncertainty = status.uncertainty
                }
                // Each change of a host's state said once on stderr: there is no status bar here.
                let line = Self.describe(status)
                if line != said[k] {
                    said[k] = line
                    FileHandle.standardError.write(Data("tracetui: \(c.name): \(line)\n".utf8))
                }
            }
        }
        while !signals.isRaised {
            drain()
            if let duration, Date().timeIntervalSince(started) >= duration { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        captures.forEach { $0.requestStop() }
        captures.forEach { $0.stop() }
        drain()
        files.forEach { try? $0.close() }
        do {
            try HostIndex(directory: directory, entries: entries).save()
        } catch {
            throw ValidationFailure("cannot write \(directory)/\(HostIndex.fileName): \(error.localizedDescription)")
        }
        for (k, c) in captures.enumerated() {
            let remote = c.remoteSummary.map { " — remote: " + $0.dropFirst("tracetui: ".count) } ?? ""
            FileHandle.standardError.write(Data("tracetui: \(c.name): \(rows[k]) lines written to \(directory)/\(entries[k].file)\(remote)\n".utf8))
        }
    }

    static func describe(_ s: HostStatus) -> String {
        switch s.state {
        case .connecting: return "connecting"
        case .running: return "running" + (s.offsetText.map { ", clock offset \($0)" } ?? "")
        case .stopped: return "stopped"
        case .failed(let retry): return (s.reason ?? "failed") + (retry.map { " (retry in \($0)s)" } ?? "")
        }
    }
}
