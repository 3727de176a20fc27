// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "tracetui",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tracetui", targets: ["tracetui"]),
        .executable(name: "tracetui-spin", targets: ["SpinHelper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The runtime library only: the pprof message's Swift code is generated once and committed (Proto/).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Pure core: parsers, columnar store, filters, summaries. Standard library only, plus the
        // C library's memchr for byte scanning (measured: see Benchmarks).
        .target(name: "CByteScan"),
        .target(name: "TraceModel", dependencies: ["CByteScan"]),
        // Side effects: files, tracefs, /proc, the capture actor.
        .target(name: "TraceCapture", dependencies: ["TraceModel", "CZlib", "CZstd", "CTraceDat", "CTracefs", "CPerfEvent", "CElf", "CBpf",
                                                     .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // trace.dat records formatted without printf (the live reader's formatter), in C beside libtracecmd.
        .target(name: "CTraceDat", dependencies: ["CTraceCmd", "CTracefs"]),
        // trace.dat through libtracecmd, fields decoded by libtraceevent.
        .systemLibrary(name: "CTraceCmd", path: "Sources/CTraceCmd", pkgConfig: "libtracecmd",
                       providers: [.apt(["libtracecmd-dev", "libtraceevent-dev", "libtracefs-dev"])]),
        // gzip and zstd inputs, inflated in memory as they are parsed.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // libtracefs/libtraceevent: the library trace-cmd uses, for the live instance and raw ring buffers.
        .systemLibrary(name: "CTracefs", path: "Sources/CTracefs", pkgConfig: "libtracefs",
                       providers: [.apt(["libtracefs-dev", "libtraceevent-dev"])]),
        // perf_event_open: CPU sampling and counters, without shelling out to perf.
        .systemLibrary(name: "CPerfEvent", path: "Sources/CPerfEvent"),
        // elfutils' libelf: symbol tables of sampled binaries (what perf uses), and libstdc++'s demangler.
        .systemLibrary(name: "CElf", path: "Sources/CElf", providers: [.apt(["libelf-dev"])]),
        // libbpf: the loaded BPF programs, links and maps (the BPF pane), and loading a session's own object.
        .systemLibrary(name: "CBpf", path: "Sources/CBpf", pkgConfig: "libbpf", providers: [.apt(["libbpf-dev"])]),
        // The terminal's vocabulary as plain values: Canvas, Cell, Role, Key, Theme.
        .target(name: "Screen"),
        // The app: state, views, commands, keymap; renders into a Canvas.
        .target(name: "TraceTUI", dependencies: ["TraceModel", "Screen"]),
        // The only C boundary to ncursesw.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses",
                       providers: [.apt(["libncursesw5-dev"])]),
        // The only code that calls ncurses.
        .target(name: "Terminal", dependencies: ["Screen", "CNcurses"]),
        // The commit `tracetui --version` names, asked of git before every build (not cached with the manifest).
        .plugin(name: "GitCommit", capability: .buildTool()),
        .executableTarget(
            name: "tracetui",
            dependencies: [
                "TraceModel", "TraceCapture", "Screen", "TraceTUI", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources/demo")],
            plugins: ["GitCommit"]
        ),
        .executableTarget(
            name: "tracetui-bench",
            dependencies: ["TraceModel", "TraceCapture", "TraceTUI", "Screen", "Terminal"],
            path: "Benchmarks/tracetui-bench"
        ),
        // A load with known symbols for the sampling and counter tests (C, so its frames are plain symbols).
        .executableTarget(name: "SpinHelper", path: "Sources/SpinHelper",
                          cSettings: [.unsafeFlags(["-O1", "-g", "-fno-omit-frame-pointer"])]),
        .testTarget(name: "TraceModelTests", dependencies: ["TraceModel"]),
        .testTarget(name: "TraceCaptureTests", dependencies: ["TraceCapture", "TraceModel", "CZlib", "CZstd", "CTracefs"]),
        .testTarget(name: "ScreenTests", dependencies: ["Screen"]),
        // The ncurses backend on a pseudo-terminal of the test's own.
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Screen", "CNcurses"]),
        .testTarget(name: "TraceTUITests", dependencies: ["TraceTUI", "TraceModel", "Screen", "TraceCapture"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TraceModel"]),
    ]
)
