/// The uftrace.data reader (UftraceData: `info`, `task.txt`, `<tid>.dat`, `perf-cpuN.dat`, `sid-*.map`, `*.sym`),
/// fed a whole directory in one input: each file opens with a line `@@@ NAME` (the first at the input's start,
/// the others after a newline), so the fuzzer mutates names, binary records and text alike. Files are told
/// apart by name as TraceCapture's UftraceDataDirectory does; `Fuzz/run.sh` packs the fixtures' directories
/// into seeds this way.

#if canImport(Glibc)
import Glibc
#endif

func fuzzUftraceData(_ bytes: UnsafeRawBufferPointer) {
    var files = UftraceData.Files()
    for (name, content) in uftraceFiles(Array(bytes)) {
        if name == "info" {
            files.info = content
        } else if name == "task.txt" {
            files.taskText = String(decoding: content, as: UTF8.self)
        } else if name.hasPrefix("perf-cpu"), name.hasSuffix(".dat") {
            files.perf.append(content)
        } else if name.hasSuffix(".dat"), let tid = Int32(name.dropLast(4)) {
            files.tasks.append((tid, content))
        } else if name.hasPrefix("sid-"), name.hasSuffix(".map") {
            files.maps[String(name.dropFirst(4).dropLast(4))] = String(decoding: content, as: UTF8.self)
        } else if name.hasSuffix(".sym") {
            files.symbols[String(name.dropLast(4))] = String(decoding: content, as: UTF8.self)
        }
    }
    guard !files.tasks.isEmpty else { return }
    // The decoder alone: `replay DIR.data` then parses the text it makes, `uftrace replay` with timestamps, which
    // is the uftrace text target's format (Fuzz/seeds/uftrace/replay-time.txt); here that parse was a third of
    // each input's time.
    _ = UftraceData.replayText(files)
}

/// `@@@ NAME\n` CONTENT (`\n@@@ NAME\n` CONTENT)…; anything before the first marker is ignored.
func uftraceFiles(_ b: [UInt8]) -> [(name: String, content: [UInt8])] {
    let marker = Array("@@@ ".utf8)
    // Starts of markers: at 0, or right after a newline.
    var starts: [Int] = []
    var i = 0
    while i + marker.count <= b.count {
        if (i == 0 || b[i - 1] == 0x0A), b[i..<(i + marker.count)].elementsEqual(marker) { starts.append(i) }
        i += 1
    }
    var files: [(name: String, content: [UInt8])] = []
    for (k, s) in starts.enumerated() {
        // The content ends before the newline that precedes the next marker.
        let end = k + 1 < starts.count ? starts[k + 1] - 1 : b.count
        let nameStart = s + marker.count
        guard nameStart <= end else { continue }
        let nl = b[nameStart..<end].firstIndex(of: 0x0A) ?? end
        let name = String(decoding: b[nameStart..<nl], as: UTF8.self)
        files.append((name, Array(b[min(nl + 1, end)..<end])))
    }
    return files
}
