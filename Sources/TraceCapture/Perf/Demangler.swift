import CElf
import Glibc

@_silgen_name("swift_demangle")
private func swiftDemangle(_ mangled: UnsafePointer<CChar>?, _ length: Int, _ output: UnsafeMutablePointer<CChar>?,
                           _ outputSize: UnsafeMutablePointer<Int>?, _ flags: UInt32) -> UnsafeMutablePointer<CChar>?

/// C++ (`_Z…`, through libstdc++'s `__cxa_demangle`) and Swift (`$s…`, through the runtime's
/// `swift_demangle`) symbol names made readable, each name demangled once.
public struct Demangler {
    private var cache: [String: String] = [:]

    public init() {}

    public mutating func demangle(_ name: String) -> String {
        guard Self.looksMangled(name) else { return name }
        if let d = cache[name] { return d }
        let d = Self.demangleUncached(name) ?? name
        cache[name] = d
        return d
    }

    /// Demangled when mangled, else as it is (callers cache the result).
    public static func readable(_ name: String) -> String {
        looksMangled(name) ? demangleUncached(name) ?? name : name
    }

    static func looksMangled(_ name: String) -> Bool {
        name.hasPrefix("_Z") || name.hasPrefix("$s") || name.hasPrefix("$S") || name.hasPrefix("_$s")
            || name.hasPrefix("$e") || name.hasPrefix("_T0")
    }

    public static func demangleUncached(_ name: String) -> String? {
        if name.hasPrefix("_Z") {
            var status: Int32 = 0
            guard let p = __cxa_demangle(name, nil, nil, &status), status == 0 else { return nil }
            defer { free(p) }
            return String(cString: p)
        }
        return name.withCString { c -> String? in
            guard let p = swiftDemangle(c, strlen(c), nil, nil, 0) else { return nil }
            defer { free(p) }
            return String(cString: p)
        }
    }
}
