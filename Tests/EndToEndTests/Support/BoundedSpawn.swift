import Foundation

/// Runs a command with its output thrown away and waits for it at most a few seconds; a child that does not
/// end (stuck in the kernel, where SIGKILL does not reach) is abandoned, never waited for.
enum BoundedSpawn {
    enum Outcome: Equatable {
        case exited(Int32)
        case timedOut
        case failed(String)
    }

    static func run(_ argv: [String], seconds: Double) -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { args.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, argv[0], &actions, nil, args, environ)
        guard rc == 0 else { return .failed("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return .exited((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)) }
            if reaped < 0, errno != EINTR { return .failed("waitpid: \(String(cString: strerror(errno)))") }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        return .timedOut
    }
}
