import CZlib
import CZstd
import Foundation
import Testing
import TraceModel
@testable import TraceCapture

/// gzip and zstd inputs: detected by content, inflated in memory block by block while they are parsed.
@Suite("Compressed inputs")
struct CompressedInputTests {
    static func zstd(_ bytes: [UInt8], level: Int32 = 3) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let n = out.withUnsafeMutableBytes { o in
            bytes.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, i.count, level) }
        }
        return Array(out[0..<n])
    }

    /// One gzip member (zlib's deflate with a gzip header).
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                      Int32(MemoryLayout<z_stream>.size))
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                deflate(&stream, Z_FINISH)
                return o.count - Int(stream.avail_out)
            }
        }
        deflateEnd(&stream)
        return Array(out[0..<produced])
    }

    static func summary(of bytes: [UInt8]) async throws -> TraceSummary {
        let path = try ReplayTests.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await TraceInput(path: path).summarize()
    }

    @Test func gzipAndZstdGiveTheSameSummaryAsThePlainText() async throws {
        let text = try ReplayTests.largeLog()
        let plain = try await Self.summary(of: text)
        #expect(plain.events > 10_000)
        #expect(try await Self.summary(of: Self.gzip(text)) == plain)
        #expect(try await Self.summary(of: Self.zstd(text)) == plain)
    }

    @Test func concatenatedGzipMembersAreReadThrough() async throws {
        let text = try ReplayTests.largeLog()
        let half = text.count / 2
        var cut = half
        while text[cut - 1] != 0x0A { cut += 1 }
        let two = Self.gzip(Array(text[0..<cut])) + Self.gzip(Array(text[cut...]))
        #expect(try await Self.summary(of: two) == Self.summary(of: text))
    }

    @Test func corruptDataGivesAnErrorNotACrash() async throws {
        var bytes = Self.zstd(try ReplayTests.largeLog())
        for k in 8..<min(bytes.count, 400) { bytes[k] ^= 0x5A }
        let path = try ReplayTests.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(throws: CaptureError.self) { _ = try await TraceInput(path: path).summarize() }
    }

    /// A large `.zst` (about 20 MB of text) is parsed block by block: the first rows arrive when only a
    /// small part of the compressed file has been read, and no block holds more than one block's text.
    @Test func aLargeZstdStreamsWithoutExtracting() async throws {
        let log = try ReplayTests.largeLog()
        var text: [UInt8] = []
        text.reserveCapacity(21 << 20)
        while text.count < 20 << 20 { text.append(contentsOf: log) }
        let compressed = Self.zstd(text, level: 1)
        let path = try ReplayTests.temporaryFile(compressed)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let input = try TraceInput(path: path)
        #expect(input.format == .zstd)
        var progress: [Int] = []
        var rows = 0
        var firstPieceRows = 0
        var largestPiece = 0
        try await input.parse(keepRows: true) { piece, done in
            if progress.isEmpty { firstPieceRows = piece.rowCount }
            progress.append(done)
            rows += piece.rowCount
            largestPiece = max(largestPiece, piece.byteCount)
        }
        #expect(progress.count >= 3, "parsed in blocks")
        #expect(progress.first! < compressed.count / 4, "the first block arrives early")
        #expect(progress.last == compressed.count)
        #expect(firstPieceRows > 0)
        #expect(progress == progress.sorted())
        let perCopy = PieceParser(tracer: "nop").parse(OwnedBytes(log), range: 0..<log.count).rowCount
        #expect(rows == perCopy * (text.count / log.count))
        #expect(largestPiece <= (8 << 20) + (64 << 10), "never the whole text at once")
    }

    @Test func formatsAreToldByContentNotName() throws {
        let text = try ReplayTests.largeLog()
        #expect(InputFormat.detect(Self.gzip(text)) == .gzip)
        #expect(InputFormat.detect(Self.zstd(text)) == .zstd)
        #expect(InputFormat.detect(text) == .ftraceText)
    }
}
