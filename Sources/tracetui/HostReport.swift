import Foundation
import TraceCapture
import TraceModel

/// What each host did, said on stderr once the viewer's screen is gone (the benchmark reads it too).
enum HostReport {
    static func say(_ hosts: [RemoteCapture], statuses: [HostStatus]) {
        for (h, s) in zip(hosts, statuses) {
            var line = "tracetui: \(h.name): \(s.rows) rows"
            if let o = s.offsetText { line += ", clock offset \(o)" }
            if s.drops > 0 { line += ", \(s.drops) connection\(s.drops == 1 ? "" : "s") lost" }
            if let r = s.reason { line += ", last failure: \(r)" }
            if let remote = h.remoteSummary { line += " — remote: " + remote.dropFirst("tracetui: ".count) }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
