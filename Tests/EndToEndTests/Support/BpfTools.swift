import Foundation

/// clang, gcc with libbpf, bpftool and a kernel that loads BPF: what the BPF tests need, and why they skip.
enum BpfTools {
    static func find(_ names: [String]) -> String? {
        for name in names {
            for dir in ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"] where access(dir + "/" + name, X_OK) == 0 {
                return dir + "/" + name
            }
        }
        return nil
    }

    static let clang = find(["clang", "clang-16", "clang-15", "clang-14"])
    static let gcc = find(["gcc", "cc"])
    static let bpftool = find(["bpftool"])
    static let fixtures = Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/bpf").path

    /// nil when everything is there; else one line saying what is missing.
    static let unavailableReason: String? = {
        if geteuid() != 0 { return "BPF tests need root (loading programs)" }
        guard clang != nil else { return "clang not installed (apt-get install clang llvm)" }
        guard gcc != nil, access("/usr/include/bpf/libbpf.h", R_OK) == 0 else { return "gcc or libbpf-dev missing" }
        guard let bpftool else { return "bpftool not installed" }
        guard let listed = try? CommandResult.run(bpftool, ["prog", "show", "-j"]), listed.status == 0 else {
            return "the kernel refuses BPF (bpftool prog show failed)"
        }
        return nil
    }()

    /// Compiles `Tests/Fixtures/bpf/NAME.bpf.c` into `dir`; returns the object's path.
    static func compile(_ name: String, into dir: String, defines: [String] = []) throws -> String {
        let out = dir + "/\(name).bpf.o"
        var arch = utsname()
        uname(&arch)
        let machine = withUnsafeBytes(of: arch.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let r = try CommandResult.run(clang!, ["-O2", "-g", "-target", "bpf", "-I/usr/include/\(machine)-linux-gnu"]
                                               + defines.map { "-D" + $0 } + ["-c", fixtures + "/\(name).bpf.c", "-o", out], timeout: .seconds(60))
        guard r.status == 0 else { throw E2EError("clang \(name).bpf.c: \(r.stderr)") }
        return out
    }

    /// Builds `tt_calls.c` (the --bpf tests' helper process) into `dir`.
    static func callsHelper(into dir: String) throws -> String {
        let out = dir + "/tt_calls"
        let r = try CommandResult.run(gcc!, ["-O0", fixtures + "/tt_calls.c", "-o", out], timeout: .seconds(60))
        guard r.status == 0 else { throw E2EError("gcc tt_calls.c: \(r.stderr)") }
        return out
    }

    /// `bpftool map show -j`: the id of the map named `name`, if one is loaded.
    static func mapID(named name: String) throws -> Int? {
        let r = try CommandResult.run(bpftool!, ["map", "show", "-j"])
        let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
        return list.first { $0["name"] as? String == name }.flatMap { ($0["id"] as? NSNumber)?.intValue }
    }

    /// `bpftool map dump id ID -j` as (key, value) pairs of little-endian integers read from its raw bytes.
    static func dump(map id: Int) throws -> [(key: UInt64, value: UInt64)] {
        let r = try CommandResult.run(bpftool!, ["map", "dump", "id", String(id), "-j"])
        let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
        func number(_ any: Any?) -> UInt64 {
            let bytes = (any as? [String] ?? []).compactMap { UInt8($0.dropFirst(2), radix: 16) }
            return bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        return list.map { (number($0["key"]), number($0["value"])) }
    }

    /// Builds the loader helper (`loader.c`) into `dir`.
    static func loader(into dir: String) throws -> String {
        let out = dir + "/loader"
        let r = try CommandResult.run(gcc!, ["-O1", fixtures + "/loader.c", "-o", out, "-lbpf"], timeout: .seconds(60))
        guard r.status == 0 else { throw E2EError("gcc loader.c: \(r.stderr)") }
        return out
    }

    /// `bpftool prog show -j`, by program id.
    static func programs() throws -> [Int: [String: Any]] {
        let r = try CommandResult.run(bpftool!, ["prog", "show", "-j"])
        let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
        var out: [Int: [String: Any]] = [:]
        for p in list { if let id = (p["id"] as? NSNumber)?.intValue { out[id] = p } }
        return out
    }
}

/// The loader helper running in the background: loaded and attached once `start` returns, detached when
/// `finish` closes its stdin (or when it is killed).
final class BpfLoaderProcess {
    let pid: pid_t
    let programIDs: [Int]
    private var stdinWrite: Int32
    private let outPath: String

    init(loader: String, object: String, targetPid: pid_t, dir: String) async throws {
        outPath = dir + "/loader.out"
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw E2EError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, dir + "/loader.err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let args = [loader, object, String(targetPid)]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, loader, &actions, nil, &argv, environ)
        close(fds[0])
        guard rc == 0 else { throw E2EError("spawn loader: \(rc)") }
        pid = child
        stdinWrite = fds[1]
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ready") }) {
                programIDs = line.split(separator: " ").dropFirst().compactMap { Int($0) }
                return
            }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child || ContinuousClock.now > deadline {
                let err = (try? String(contentsOfFile: dir + "/loader.err", encoding: .utf8)) ?? ""
                close(fds[1])
                throw E2EError("the loader did not get ready: \(err)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Closes stdin, waits for the exit and returns the count the program kept (slot 1 of its map).
    func finish() -> Int? {
        if stdinWrite >= 0 { close(stdinWrite); stdinWrite = -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("count ") }.flatMap { Int($0.dropFirst(6)) }
    }

    deinit {
        if stdinWrite >= 0 {
            close(stdinWrite)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

/// A thread of the test's own that opens /dev/null a given number of times when asked: the openat program counts
/// only its tid, so the count is exact whatever else the test process opens.
final class OpenWorker: @unchecked Sendable {
    private(set) var tid: Int32 = 0
    private let ready = DispatchSemaphore(value: 0)
    private let go = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var count = 0

    init() {
        let thread = Thread { [self] in
            // gettid() is not imported; /proc/thread-self names "<pid>/task/<tid>".
            let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
            tid = Int32(link.split(separator: "/").last ?? "") ?? 0
            ready.signal()
            go.wait()
            for _ in 0..<count {
                let fd = Glibc.open("/dev/null", O_RDONLY)
                if fd >= 0 { close(fd) }
            }
            done.signal()
        }
        thread.start()
        ready.wait()
    }

    /// Opens `n` times on the worker thread and returns when it is done (once per worker).
    func open(times n: Int) {
        count = n
        go.signal()
        done.wait()
    }
}
