import Foundation

/// Runs `objdump -d -l -S --no-show-raw-insn --disassemble=SYMBOL BINARY` from binutils: what perf annotate
/// itself runs, so addresses, source lines and instruction syntax read as perf's do (libdw gives lines but no
/// disassembler; LLVM's would add a dependency CI does not have).
public enum Disassembler {
    public static func objdumpPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where access(String(dir) + "/objdump", X_OK) == 0 { return String(dir) + "/objdump" }
        return nil
    }

    /// objdump's text for `symbol` in `binary`.
    public static func disassemble(_ binary: String, symbol: String, objdump: String? = nil) throws(CaptureError) -> String {
        try run(["-d", "-l", "-S", "--no-show-raw-insn", "--disassemble=\(symbol)", binary], objdump: objdump, reading: binary)
    }

    /// objdump with `arguments`, its output; `reading` names the file in errors.
    static func run(_ arguments: [String], objdump: String?, reading binary: String) throws(CaptureError) -> String {
        guard let tool = objdump ?? objdumpPath() else {
            throw CaptureError("objdump is not installed: install binutils to annotate")
        }
        guard access(binary, R_OK) == 0 else {
            throw CaptureError("cannot read \(binary): annotate needs the binary that was recorded")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw CaptureError("cannot run \(tool): \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CaptureError("objdump failed on \(binary): " + String(decoding: errors.suffix(300), as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }
}
