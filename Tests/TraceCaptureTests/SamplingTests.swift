import Foundation
import Glibc
import Testing
import TraceCapture
import TraceModel

/// Symbols of a real ELF file (tracetui-spin, built with symbols), kallsyms, demangling, and sampling a busy
/// child with perf_event_open (skipped with a reason where it is not allowed).
@Suite("Sampling", .serialized)
struct SamplingTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().standardizedFileURL

    /// `tracetui-spin`, built with the package (`swift build`); missing is a failure, never a skip.
    static func spinPath() throws -> String {
        let path = packageRoot.appendingPathComponent(".build/debug/tracetui-spin").path
        guard access(path, X_OK) == 0 else { throw CaptureError("\(path) is missing: run `swift build` first") }
        // The real file behind .build/debug (a symlink): maps name the resolved path.
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    static let samplingUnavailable: String? = {
        var options = SamplingOptions()
        options.frequency = 10
        do {
            let s = try PerfSampler(options)
            s.close()
            return nil
        } catch {
            return "\(error)"
        }
    }()

    static var samplingAvailable: Bool {
        if let r = samplingUnavailable { print("skipping sampling tests: \(r)") }
        return samplingUnavailable == nil
    }

    // MARK: - symbols without sampling

    @Test("A uprobe's file offset is the symbol's address through its PT_LOAD segment, as readelf shows them",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf"), "readelf not installed"))
    func uprobeOffsetsMatchReadelf() throws {
        for (path, function) in [(try Self.spinPath(), "tt_spin_outer"), ("/bin/bash", "readline")] {
            let symbols = try Self.readelf(["-Ws", path]).split(separator: "\n").map { $0.split(separator: " ") }
            let value = try #require(symbols.first { $0.count == 8 && $0[3] == "FUNC" && $0[7] == function }
                .flatMap { UInt64($0[1], radix: 16) }, "\(function) in readelf -Ws \(path)")
            let loads = try Self.readelf(["-lW", path]).split(separator: "\n").map { $0.split(separator: " ") }
                .filter { $0.first == "LOAD" }.compactMap { w -> (UInt64, UInt64, UInt64)? in
                    guard w.count >= 6, let off = UInt64(w[1].dropFirst(2), radix: 16),
                          let vaddr = UInt64(w[2].dropFirst(2), radix: 16),
                          let size = UInt64(w[4].dropFirst(2), radix: 16) else { return nil }
                    return (off, vaddr, size)
                }
            let segment = try #require(loads.first { value >= $0.1 && value < $0.1 + $0.2 })
            #expect(ELFSymbolTable.fileOffset(ofFunction: function, in: path) == value - segment.1 + segment.0, "\(path)")
        }
        #expect(ELFSymbolTable.fileOffset(ofFunction: "no_such_function_here", in: "/bin/bash") == nil)
    }

    static func readelf(_ arguments: [String]) throws -> String {
        let (status, _, out) = try TraceDatTests.runCapturing(["/usr/bin/readelf"] + arguments)
        #expect(status == 0)
        return out
    }

    @Test("The ELF table of tracetui-spin names addresses inside its functions, with the offset")
    func elfTableNamesSpinFunctions() throws {
        let table = try #require(ELFSymbolTable(path: try Self.spinPath()))
        #expect(!table.buildID.isEmpty)
        let leaf = try #require(table.address(of: "tt_spin_leaf"))
        let outer = try #require(table.address(of: "tt_spin_outer"))
        #expect(table.lookup(virtualAddress: leaf + 4)?.name == "tt_spin_leaf")
        #expect(table.lookup(virtualAddress: leaf + 4)?.offset == 4)
        #expect(table.lookup(virtualAddress: outer)?.name == "tt_spin_outer")
        #expect(table.lookup(virtualAddress: 16) == nil)
    }

    @Test("A process that has exited keeps its symbols: mappings come from its records, in time order")
    func exitedProcessResolvesFromRecords() throws {
        let path = try Self.spinPath()
        let table = try #require(ELFSymbolTable(path: path))
        let leaf = try #require(table.address(of: "tt_spin_leaf"))
        let fileOffset = try #require(table.fileOffset(virtualAddress: leaf))
        // A pid with no /proc entry: only the records say what is mapped where.
        let pid: Int32 = 0x3FFF_FFF0
        let base: UInt64 = 0x5555_0000_0000
        var exec = PerfRecord(kind: .comm)
        (exec.pid, exec.tid, exec.time, exec.name, exec.misc) = (pid, pid, 100, "hop-spin", 1 << 13)
        var mmap = PerfRecord(kind: .mmap2)
        (mmap.pid, mmap.tid, mmap.time, mmap.address, mmap.length, mmap.pageOffset, mmap.protection, mmap.name) =
            (pid, pid, 101, base, 0x10_0000, 0, 5, path)
        var sample = PerfRecord(kind: .sample)
        (sample.pid, sample.tid, sample.time, sample.cpu, sample.period) = (pid, pid, 200, 0, 1)
        sample.callchain = [PerfRecord.contextUser, base + fileOffset + 2]
        // As two rings would give them: CPU 0's sample read before CPU 1's exec records.
        var queue = PerfRecordQueue()
        queue.add(sample)
        queue.add([exec, mmap])
        var written = 0
        let ordered = String(decoding: SampleText.text(of: queue.takeAll(), symbolizer: Symbolizer(kernel: Kallsyms(path: "/dev/null")),
                                                       event: "cpu-clock", written: &written), as: UTF8.self)
        #expect(ordered.contains("tt_spin_leaf+0x2 (\(path))"), "\(ordered)")
        #expect(ordered.hasPrefix("hop-spin "))
        // Read in ring order instead, the sample comes before its mapping: nothing to name it by.
        let unordered = String(decoding: SampleText.text(of: [sample, exec, mmap], symbolizer: Symbolizer(kernel: Kallsyms(path: "/dev/null")),
                                                         event: "cpu-clock", written: &written), as: UTF8.self)
        #expect(unordered.contains("[unknown] ([unknown])"))
    }

    @Test("libc's functions resolve through this process's maps")
    func ownMapsResolveLibc() throws {
        let handle = try #require(dlopen(nil, RTLD_NOW))
        defer { dlclose(handle) }
        let getpidAddress = try #require(dlsym(handle, "getpid"))
        let frame = Symbolizer().frame(pid: getpid(), address: UInt64(UInt(bitPattern: getpidAddress)))
        #expect(frame.symbol == "getpid" || frame.symbol == "__getpid", "\(frame)")
        #expect(frame.dso.contains("libc.so"))
        #expect(frame.offset == 0)
    }

    @Test("Kernel addresses resolve from kallsyms (a known function's address, plus an offset)")
    func kallsymsResolvesKnownFunction() throws {
        let k = Kallsyms()
        guard k.count > 0 else {
            print("skipping kallsyms test: /proc/kallsyms shows no addresses (not root, or kptr_restrict)")
            return
        }
        // The address of `schedule` as kallsyms itself lists it.
        let file = try #require(FileHandle(forReadingAtPath: "/proc/kallsyms"))
        let text = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasSuffix(" T schedule") || $0.hasSuffix(" t schedule") })
        let address = try #require(UInt64(line.prefix { $0 != " " }, radix: 16))
        let hit = try #require(k.lookup(address + 3))
        #expect(k.name(hit.index) == "schedule")
        #expect(hit.offset == 3)
        #expect(k.dso(hit.index) == "[kernel.kallsyms]")
        let frame = Symbolizer(kernel: k).frame(pid: 0, address: address + 3)
        #expect(frame.symbol == "schedule" && frame.offset == 3 && frame.dso == "[kernel.kallsyms]")
    }

    @Test("C++ and Swift names are demangled")
    func demangles() {
        var d = Demangler()
        #expect(d.demangle("_ZNSt6vectorIiSaIiEE9push_backERKi") == "std::vector<int, std::allocator<int> >::push_back(int const&)")
        #expect(d.demangle("$sSi") == "Swift.Int")
        #expect(d.demangle("tt_spin_leaf") == "tt_spin_leaf")
        #expect(d.demangle("_Znot a name") == "_Znot a name")
    }

    // MARK: - sampling a real child

    /// Samples until the child exits (at most `seconds`+10 s), reading the rings only then when `afterExit`
    /// (so the child's maps are gone from /proc and only its records name its frames).
    static func sample(_ argv: [String], options: SamplingOptions, afterExit: Bool) async throws -> (text: [UInt8], status: Int32, pid: pid_t) {
        let sampler = try PerfSampler(options)
        let text = SampleText(sampler: sampler)
        sampler.enable()
        // At the lowest priority: the load must not starve the suites that run beside this one.
        let pid = try spawn(["/usr/bin/nice", "-n", "19"] + argv)
        var out: [UInt8] = []
        var status: Int32 = 0
        var exited = false
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if !afterExit { out += text.drain() }
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        if !exited {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            throw CaptureError("\(argv) did not exit within 15 s")
        }
        out += text.drain(final: true)
        #expect(sampler.lost == 0)
        sampler.close()
        return (out, status, pid)
    }

    static func spawn(_ argv: [String]) throws -> pid_t {
        var pid: pid_t = 0
        let cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        let rc = posix_spawn(&pid, argv[0], nil, nil, cargs, environ)
        guard rc == 0 else { throw CaptureError("spawn \(argv[0]) failed: \(rc)") }
        return pid
    }

    static func table(_ text: [UInt8], children: Bool, keys: [HotspotKey] = [.symbol], pid: Int32? = nil) -> HotspotTable {
        var filter = HotspotFilter()
        filter.pid = pid
        return HotspotSource(store: EventStore(parsing: OwnedBytes(text))).table(keys: keys, children: children, filter: filter)
    }

    @Test("Sampling tracetui-spin: tt_spin_leaf leads the self column, tt_spin_outer is its caller; the saved text reopens with the same totals",
          .enabled(if: SamplingTests.samplingAvailable))
    func spinLeadsTheTable() async throws {
        var options = SamplingOptions()
        options.frequency = 499
        let spin = try Self.spinPath()
        // The child is sampled as a pid of the run (with inherit), from before its exec.
        let (text, status, pid) = try await Self.sample([spin, "spin", "1"], options: options, afterExit: false)
        #expect(status == 0)
        let selfTable = Self.table(text, children: false, pid: pid)
        let top = try #require(selfTable.order.first.map(Int.init))
        #expect(selfTable.label(.symbol, of: top) == "tt_spin_leaf")
        #expect(selfTable.percent(selfTable.selfValue[top]) > 50, "\(selfTable.percent(selfTable.selfValue[top]))%")
        let withChildren = Self.table(text, children: true, pid: pid)
        let outer = try #require(withChildren.order.map(Int.init).first { withChildren.label(.symbol, of: $0) == "tt_spin_outer" })
        #expect(withChildren.percent(withChildren.childrenValue[outer]) > 50)
        #expect(withChildren.selfValue[outer] * 10 < withChildren.childrenValue[outer])
        // Saved as the viewer saves it (`w`), reopened as `tracetui replay`/`report` open it.
        let store = EventStore(parsing: SampleTextBlock(text))
        let path = NSTemporaryDirectory() + "tracetui-sampling-\(getpid()).txt"
        defer { unlink(path) }
        let said = try TraceWriter.save(store, to: path)
        #expect(said.contains("perf script text"))
        let reopened = await HotspotLoader.load(try MappedFile(path: path))
        let before = HotspotSource(store: store).table(keys: [.comm, .dso, .symbol], children: true)
        let after = reopened.table(keys: [.comm, .dso, .symbol], children: true)
        #expect(reopened.kind == .samples)
        #expect(after.total == before.total && after.totalCount == before.totalCount && after.entryCount == before.entryCount)
        #expect(after.order.prefix(5).map { after.label(.symbol, of: Int($0)) } == before.order.prefix(5).map { before.label(.symbol, of: Int($0)) })
    }

    @Test("hop: the exec's records sit in another CPU's ring than the samples; read after the exit, the frames still resolve",
          .enabled(if: SamplingTests.samplingAvailable))
    func hopResolvesAcrossRings() async throws {
        guard PerfSampler.onlineCPUCount > 1 else {
            print("skipping hop test: one CPU")
            return
        }
        var options = SamplingOptions()
        options.frequency = 199
        options.ringPages = 1024
        let spin = try Self.spinPath()
        // System-wide, rings read only once the child has exited: its maps are gone from /proc.
        let (text, status, pid) = try await Self.sample([spin, "hop", "0.8"], options: options, afterExit: true)
        if status >> 8 == 2 {
            print("skipping hop test: only one CPU allowed")
            return
        }
        #expect(status == 0)
        let selfTable = Self.table(text, children: false, keys: [.comm, .symbol], pid: pid)
        let top = try #require(selfTable.order.first.map(Int.init), "no samples of pid \(pid)")
        #expect(selfTable.label(.symbol, of: top) == "tt_spin_leaf")
        // Exec'd through /proc/self/exe, the task is named `exe` by its comm record (its /proc entry is gone).
        #expect(selfTable.label(.comm, of: top) == "exe")
        #expect(selfTable.percent(selfTable.selfValue[top]) > 50)
    }
}
