import Foundation
import Glibc
import Testing
@testable import TraceCapture

/// The lock between listing events/ and removing probes (a kernel 6.18 bug oopses when both happen at once):
/// tracetui's probe work waits for a lister in another process, listers do not wait for each other.
@Suite("tracefs lock", .serialized)
struct TracefsLockTests {
    static let usable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else { return false }
        let fd = open(TracefsLock.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        if fd < 0 { print("skipping the tracefs lock tests: cannot open \(TracefsLock.path)") }
        defer { if fd >= 0 { close(fd) } }
        return fd >= 0
    }()

    /// `flock -s LOCK sh -c 'touch HELD; sleep S; touch DONE'`, as a script that lists events/ takes it.
    static func lister(holding seconds: Double, in dir: String) throws -> pid_t {
        let script = "touch \(dir)/held; sleep \(seconds); touch \(dir)/done"
        let args = ["/usr/bin/flock", "-s", "-w", "5", TracefsLock.path, "/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, args[0], nil, nil, argv, environ)
        guard rc == 0 else { throw CaptureError("cannot run flock: \(rc)") }
        return pid
    }

    static func waitFor(_ path: String, seconds: Double = 5) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while access(path, F_OK) != 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    static func reap(_ pid: pid_t) async throws {
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while waitpid(pid, &status, WNOHANG) != pid, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test(.enabled(if: TracefsLockTests.usable))
    func probeWorkWaitsUntilAListerInAnotherProcessIsDone() async throws {
        let dir = NSTemporaryDirectory() + "tracetui-lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let child = try Self.lister(holding: 0.5, in: dir)
        try await Self.waitFor(dir + "/held")
        #expect(access(dir + "/held", F_OK) == 0, "the lister took the lock")
        let listerWasDone = TracefsLock.exclusive { access(dir + "/done", F_OK) == 0 }
        #expect(listerWasDone, "the exclusive section began only after the lister let go")
        try await Self.reap(child)
    }

    @Test(.enabled(if: TracefsLockTests.usable))
    func listersDoNotWaitForEachOther() async throws {
        let dir = NSTemporaryDirectory() + "tracetui-lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let child = try Self.lister(holding: 3, in: dir)
        try await Self.waitFor(dir + "/held")
        let listerStillHolding = TracefsLock.shared { access(dir + "/done", F_OK) != 0 }
        #expect(listerStillHolding, "a second lister got the lock while the first held it")
        try await Self.reap(child)
    }
}
