import Foundation
import Glibc
import Synchronization

/// The remote side of the clock protocol of `tracetui record -o - --clock-queries`: answers each query on
/// stdin at once with the trace clock's reading, on stderr, and says when stdin ends (the viewer hung up).
///
/// Queries are `T SEQ` lines; answers are `#tracetui-clock SEQ NS` (or `#tracetui-clock SEQ -` when the trace
/// clock cannot be read from user space, e.g. `local`). stderr, not stdout: an answer must not wait behind
/// megabytes of events in the pipe, which would stretch the round trip and blur the offset.
///
/// Reads fd 0, writes fd 2.
public final class ClockResponder: Sendable {
    /// Added to every answer: a test pretends the host's clock is this far ahead (TRACETUI_TEST_CLOCK_OFFSET_NS).
    public let fakeOffset: Int64
    let clock: clockid_t?
    private let ended = Atomic<Bool>(false)

    public init(traceClock: String?, fakeOffset: Int64) {
        clock = TraceClock.clockID(traceClock ?? "local")
        self.fakeOffset = fakeOffset
    }

    /// The fake offset the environment asks for (tests only), 0 without it.
    public static var environmentOffset: Int64 {
        ProcessInfo.processInfo.environment["TRACETUI_TEST_CLOCK_OFFSET_NS"].flatMap { Int64($0) } ?? 0
    }

    /// True once stdin has ended: the ssh connection is gone.
    public var hungUp: Bool { ended.load(ordering: .relaxed) }

    /// Starts answering on a thread of its own; `onHangup` runs once when stdin ends.
    public func start(onHangup: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            run()
            ended.store(true, ordering: .relaxed)
            onHangup()
        }
        thread.name = "tracetui-clock"
        thread.start()
    }

    /// Says on stderr that the capture runs (the viewer counts the host as connected from here).
    public func sayReady(_ detail: String) {
        Self.writeAll(2, Array("#tracetui-ready \(detail)\n".utf8))
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var line: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            for k in 0..<n {
                if buffer[k] == 0x0A {
                    answer(line)
                    line.removeAll(keepingCapacity: true)
                } else if line.count < 256 {
                    line.append(buffer[k])
                }
            }
        }
    }

    private func answer(_ line: [UInt8]) {
        guard line.first == UInt8(ascii: "T") else { return }
        let now = clock.map { TraceClock.now($0) + fakeOffset }
        let seq = String(decoding: line.dropFirst().drop(while: { $0 == 0x20 }), as: UTF8.self)
        Self.writeAll(2, Array("#tracetui-clock \(seq) \(now.map(String.init) ?? "-")\n".utf8))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = write(fd, b.baseAddress! + done, b.count - done)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }
}

/// The ftrace trace clocks user space can read too, as clock_gettime(2) clocks.
public enum TraceClock {
    /// `mono` is CLOCK_MONOTONIC, `mono_raw` CLOCK_MONOTONIC_RAW, `boot` CLOCK_BOOTTIME, `tai` CLOCK_TAI; the
    /// others (`local`, `global`, counters) have no user-space reading (nil).
    public static func clockID(_ name: String) -> clockid_t? {
        switch name {
        case "mono": return CLOCK_MONOTONIC
        case "mono_raw": return CLOCK_MONOTONIC_RAW
        case "boot": return CLOCK_BOOTTIME
        case "tai": return CLOCK_TAI
        default: return nil
        }
    }

    public static func now(_ id: clockid_t) -> Int64 {
        var t = timespec()
        clock_gettime(id, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}
