import Glibc

/// This process's memory, as the kernel counts it (Linux).
enum ProcessMemory {
    /// Peak resident set over the whole process life (`getrusage` ru_maxrss), in bytes.
    static var peakRSS: Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    /// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`, `RssAnon`, `RssFile`), or nil.
    static func status(_ field: String) -> Int? {
        guard let f = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(field + ":") else { continue }
            let digits = text.dropFirst(field.count + 1).filter { $0.isNumber }
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Resets the peak (`VmHWM`) so that the next reading covers one phase only
    /// (ru_maxrss cannot be reset). False when the kernel refuses.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let f = fopen("/proc/self/clear_refs", "w") else { return false }
        defer { fclose(f) }
        return fputs("5", f) >= 0
    }
}
