import Foundation
import Testing
@testable import TraceCapture
import TraceModel

/// perf names a sample in a PLT stub `func@plt` (libc's own calls to its IFUNCs: `*ABS*+0xa0b30@plt`) and sizes it
/// one PLT entry, which nm does not list: symbol_size must give that entry's size, as `readelf -S` states it,
/// not nothing (a recording that sampled such a stub once differed from perf report by one row).
@Suite struct PltSymbolSizeTests {
    static let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6"]
        .first { FileManager.default.isReadableFile(atPath: $0) }

    @Test(.enabled(if: libc != nil, "no libc.so.6 at the usual paths"))
    func aPltStubIsSizedOneEntryAsReadelfStatesIt() throws {
        let libc = try #require(Self.libc)
        let sections = try #require(SourceLineResolver.run("readelf", ["-SW", libc]), "readelf is not installed")
        // `[14] .plt  PROGBITS  0000000000026000 026000 000360 10  AX …`: ES after the size.
        let plt = try #require(sections.split(separator: "\n").first { $0.contains(" .plt ") })
        let words = plt.split(separator: "]")[1].split(separator: " ")
        let entry = try #require(UInt64(words[5], radix: 16))
        #expect(entry >= 8)
        let stub = SourceLineTable.Leaf(symbol: "*ABS*+0xa0b30@plt", offset: 0, dso: libc, address: nil)
        let function = SourceLineTable.Leaf(symbol: "memcpy", offset: 0, dso: libc, address: nil)
        let sizes = SourceLineResolver.sizes([stub, function])
        #expect(sizes[stub] == entry)
        #expect((sizes[function] ?? 0) > entry, "an ordinary function keeps nm's size")
    }
}
