import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// The capture layer's part of issue 14: files whole or none, truncated compressed input said with its offset,
/// streams read in bounded memory, and a zombie that is not a live tracetui.
@Suite("Hardening the capture layer")
struct HardeningCaptureTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "tracetui-hardening-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func atomicFileAppearsOnlyWhenCommitted() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/out.json"
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        let file = try AtomicFile(path: target)
        file.write("new contents")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old", "the target is untouched until commit")
        #expect(FileManager.default.fileExists(atPath: file.temporaryPath))
        #expect(file.temporaryPath.hasPrefix(dir + "/.out.json.tracetui-"))
        try file.commit()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new contents")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.json"])

        let dropped = try AtomicFile(path: dir + "/never.txt")
        dropped.write("half")
        dropped.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.json"])
    }

    @Test func atomicFileErrorNamesTargetAndReason() {
        #expect { _ = try AtomicFile(path: "/nonexistent-dir/x.txt") } throws: { error in
            "\(error)" == "cannot write /nonexistent-dir/x.txt: No such file or directory"
        }
    }

    /// `record -o /dev/null` once renamed its temporary over /dev/null, leaving the machine a regular file there.
    /// A device, a FIFO or a symbolic link stays what it is: devices and FIFOs are written in place, a link's
    /// file is replaced and the link kept. (On a private null device the test makes, never on /dev/null.)
    @Test func devicesFifosAndLinksStayWhatTheyAre() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func kind(_ path: String) -> mode_t {
            var info = stat()
            return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
        }
        if getuid() == 0, mknod(dir + "/null", S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 {
            let device = try AtomicFile(path: dir + "/null")
            device.write("discarded")
            try device.commit()
            #expect(kind(dir + "/null") == S_IFCHR, "still a character device")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["null"], "no temporary left")
        } else {
            print("device case skipped: making a device node needs root")
        }

        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        nonisolated(unsafe) var received = ""
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 256)
            while fd >= 0 {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            close(fd)
            received = String(decoding: bytes, as: UTF8.self)
        }
        reader.start()
        let piped = try AtomicFile(path: fifo)
        piped.write("through the pipe")
        try piped.commit()
        // Were the FIFO replaced by a file, the reader would wait for a writer forever: give it one after 5 s.
        for _ in 0..<5_000 where !reader.isFinished { usleep(1_000) }
        if !reader.isFinished { close(open(fifo, O_WRONLY | O_NONBLOCK)) }
        while !reader.isFinished { usleep(1_000) }
        #expect(received == "through the pipe")
        #expect(kind(fifo) == S_IFIFO)

        try "old".write(toFile: dir + "/real.txt", atomically: false, encoding: .utf8)
        #expect(symlink(dir + "/real.txt", dir + "/link.txt") == 0)
        let linked = try AtomicFile(path: dir + "/link.txt")
        linked.write("new")
        try linked.commit()
        #expect(kind(dir + "/link.txt") == S_IFLNK, "the link is kept")
        #expect(try String(contentsOfFile: dir + "/real.txt", encoding: .utf8) == "new")
    }

    /// With line counting, the whole lines written and where they end (what `record --keep-partial` keeps).
    @Test func atomicFileCountsWholeLines() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try AtomicFile(path: dir + "/r.txt", countLines: true)
        file.write("a\nbb\nccc")
        #expect(file.wholeLines == 2 && file.wholeLinesEnd == 5)
        try file.truncate(to: file.wholeLinesEnd)
        try file.commit()
        #expect(try String(contentsOfFile: dir + "/r.txt", encoding: .utf8) == "a\nbb\n")
    }

    static func lines(_ n: Int) -> [UInt8] {
        var text = ""
        for k in 0..<n { text += "  bash-1 [000] d..2.  1.\(100_000 + k): sched_switch: prev_comm=bash next_pid=\(k)\n" }
        return Array(text.utf8)
    }

    /// Given a zstd or gzip stream cut in half, reading it throws with the offset; allowed, it ends early instead
    /// and says why.
    @Test(arguments: ["gzip", "zstd"])
    func truncatedCompressedInputSaysWhere(_ kind: String) throws {
        let text = Self.lines(20_000)
        let whole = kind == "gzip" ? CompressedInputTests.gzip(text) : CompressedInputTests.zstd(text)
        let cut = Array(whole.prefix(whole.count / 2))
        func drain(allow: Bool) throws -> (Int, String?) {
            try cut.withUnsafeBytes { b in
                let d = try StreamDecompressor(b, format: kind == "gzip" ? .gzip : .zstd)
                d.allowTruncated = allow
                var out: [UInt8] = []
                while try d.read(into: &out, limit: 1 << 16) {}
                return (out.count, d.truncation)
            }
        }
        #expect { _ = try drain(allow: false) } throws: { error in
            "\(error)".contains("truncated \(kind) data: the input ends at byte \(cut.count)")
        }
        let (count, why) = try drain(allow: true)
        #expect(count > 0 && count < text.count)
        #expect(why?.contains("truncated \(kind) data") == true)
        // The whole stream still reads whole, with no word.
        try whole.withUnsafeBytes { b in
            let d = try StreamDecompressor(b, format: kind == "gzip" ? .gzip : .zstd)
            var out: [UInt8] = []
            while try d.read(into: &out, limit: 1 << 16) {}
            #expect(out == text)
            #expect(d.truncation == nil)
        }
    }

    /// Given a FIFO, the summary reads it block by block, the same as the file.
    @Test func fifoIsReadIncrementally() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = Self.lines(100_000)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            text.withUnsafeBytes { b in
                var done = 0
                while done < b.count { let n = write(fd, b.baseAddress! + done, b.count - done); if n <= 0 { break }; done += n }
            }
            close(fd)
        }
        writer.start()
        let input = try TraceInput(path: fifo)
        #expect(input.stream != nil)
        let summary = try await input.summarize()
        #expect(summary.events == 100_000)
        #expect(summary.unparsed == 0)
    }

    /// Given an endless line (`/dev/zero`), blocks come cut at 16 MB and counted.
    @Test func endlessLineIsCutAndCounted() throws {
        let source = try StreamSource(path: "/dev/zero")
        let block = try #require(try source.next(size: 1 << 20))
        #expect(block.bytes.count == StreamSource.maxLineBytes + 1)
        #expect(block.bytes.last == 0x0A)
        #expect(source.cutLines == 1)
    }

    /// A zombie, a dead pid or a pid another program reuses is not a live tracetui (a fake /proc root).
    @Test func zombieIsNotALiveTracetui() throws {
        let proc = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: proc) }
        func stat(_ pid: Int32, _ line: String) throws {
            try FileManager.default.createDirectory(atPath: "\(proc)/\(pid)", withIntermediateDirectories: true)
            try line.write(toFile: "\(proc)/\(pid)/stat", atomically: true, encoding: .utf8)
        }
        try stat(101, "101 (tracetui) S 1 101 101 0 -1")
        try stat(102, "102 (tracetui) Z 1 102 102 0 -1")
        try stat(103, "103 (bash) S 1 103 103 0 -1")
        try stat(104, "104 (tracetui) (x) R 1 104 104 0 -1")
        #expect(TracetuiProcess.isLive(101, proc: proc))
        #expect(!TracetuiProcess.isLive(102, proc: proc))
        #expect(!TracetuiProcess.isLive(103, proc: proc))
        #expect(TracetuiProcess.isLive(104, proc: proc))
        #expect(TracetuiProcess.isLive(getpid()), "this test runs in tracetuiPackageTests")
        // A process by another name running this very binary (a copy or a symlink `tt`) is one.
        try stat(105, "105 (tt) S 1 105 105 0 -1")
        try FileManager.default.createSymbolicLink(atPath: "\(proc)/105/exe", withDestinationPath: "/proc/self/exe")
        try stat(106, "106 (tt) S 1 106 106 0 -1")
        try FileManager.default.createSymbolicLink(atPath: "\(proc)/106/exe", withDestinationPath: "/bin/sh")
        #expect(TracetuiProcess.isLive(105, proc: proc))
        #expect(!TracetuiProcess.isLive(106, proc: proc))
    }

    /// The watchdog tells a pid given to another process by its start time (field 22 of stat).
    @Test func startTimeIsField22() throws {
        let proc = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: proc) }
        try FileManager.default.createDirectory(atPath: "\(proc)/7", withIntermediateDirectories: true)
        let fields = (4...21).map(String.init).joined(separator: " ")
        try "7 (a b) c) S \(fields) 987654 23 24".write(toFile: "\(proc)/7/stat", atomically: true, encoding: .utf8)
        #expect(TracetuiProcess.startTime(7, proc: proc) == 987654)
        let mine = try #require(TracetuiProcess.startTime(getpid()))
        let own = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        #expect(own.split(separator: ")").last!.split(separator: " ")[19] == Substring(String(mine)))
        #expect(TracetuiProcess.startTime(8, proc: proc) == nil)
    }
}
