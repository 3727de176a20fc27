import Foundation
import TraceCapture
import TraceModel

/// What the BPF pane's refresh costs: `BpfReader.read()` (programs, links, maps, the stats sysctl) as the live
/// sampler runs it, once a second, charged its thread's CPU time; beside it `bpftool prog show` run once a second
/// as the peer, charged its children's utime+stime (getrusage RUSAGE_CHILDREN). Load the programs first
/// (Benchmarks/bpf-cost.sh loads 50).
enum BpfCostBench {
    static func run(seconds: Int) {
        let reader = BpfReader()
        let first = reader.read()
        if let e = first.error {
            print("bpf cost: \(e)")
            return
        }
        print("BPF pane refresh cost: \(first.programs.count) programs, \(first.maps.count) maps loaded "
            + "(\(ProcessInfo.processInfo.activeProcessorCount) cores)")
        // Back to back: the CPU time of one refresh, and that as a share of a core at one a second.
        let n = 200
        let t0 = ProcCostBench.threadCPU()
        for _ in 0..<n { _ = reader.read() }
        let each = (ProcCostBench.threadCPU() - t0) / Double(n)
        print(String(format: "  one refresh, in process (%d back to back): %.1f µs CPU = %.4f %% of a core at 1 s",
                     n, each * 1e6, each * 100))
        // Paced as the pane runs it, with bpftool once a second beside it.
        let bpftool = ["/usr/sbin/bpftool", "/sbin/bpftool", "/usr/bin/bpftool"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        var ours = 0.0, theirs = 0.0
        let start = Date()
        for _ in 0..<seconds {
            let tick = Date()
            let c0 = ProcCostBench.threadCPU()
            _ = reader.read()
            ours += ProcCostBench.threadCPU() - c0
            if let bpftool {
                let before = childrenCPU()
                if let pid = ProcCostBench.spawn(bpftool, ["prog", "show"]) {
                    var st: Int32 = 0
                    waitpid(pid, &st, 0)
                }
                theirs += childrenCPU() - before
            }
            let left = 1 - Date().timeIntervalSince(tick)
            if left > 0 { usleep(UInt32(left * 1e6)) }
        }
        let wall = Date().timeIntervalSince(start)
        print(String(format: "  once a second for %.0f s:", wall))
        print(String(format: "    tracetui BPF refresh (BpfReader.read)   %8.3f ms CPU   %.4f %% of a core", ours * 1e3, ours / wall * 100))
        if bpftool != nil {
            print(String(format: "    bpftool prog show (a process each time) %8.3f ms CPU   %.4f %% of a core", theirs * 1e3, theirs / wall * 100))
        } else {
            print("    bpftool not installed: the peer is left out")
        }
    }

    static func childrenCPU() -> Double {
        var u = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}
