import CZlib
import SwiftProtobuf
import TraceModel

/// Writes a `PprofProfile` as pprof reads it: profile.proto's `Profile` message (encoded by swift-protobuf's
/// generated code), gzip-compressed as the format asks of files on disk.
public enum PprofWriter {
    /// The profile of a store (its calls, else its stacks) written to `sink`: what `x` in the viewer and
    /// `dump --format pprof` write. Returns the number of samples.
    @discardableResult
    public static func write(store: EventStore, tree: CallTree?, to sink: inout ByteSink) throws(ExportError) -> Int {
        try write(HotspotSource(store: store, callTree: tree), to: &sink)
    }

    @discardableResult
    public static func write(_ source: HotspotSource, to sink: inout ByteSink) throws(ExportError) -> Int {
        guard let profile = PprofProfile(source), !profile.samples.isEmpty else {
            throw ExportError("no samples or function_graph calls: a pprof profile needs stacks")
        }
        do {
            let bytes = try data(profile)
            bytes.withUnsafeBytes { sink.bytes($0) }
        } catch {
            throw ExportError(error.description)
        }
        sink.finish()
        return profile.samples.count
    }

    /// The gzipped bytes of the profile.
    public static func data(_ profile: PprofProfile) throws(CaptureError) -> [UInt8] {
        let message = message(profile)
        let bytes: [UInt8]
        do {
            bytes = try message.serializedBytes()
        } catch {
            throw CaptureError("cannot encode the pprof profile: \(error)")
        }
        return try gzip(bytes)
    }

    /// profile.proto's message: string 0 is "", ids start at 1, one location per function.
    static func message(_ p: PprofProfile) -> Perftools_Profiles_Profile {
        var strings: [String] = [""]
        var stringIndex: [String: Int64] = ["": 0]
        func string(_ s: String) -> Int64 {
            if let i = stringIndex[s] { return i }
            let i = Int64(strings.count)
            strings.append(s)
            stringIndex[s] = i
            return i
        }
        var m = Perftools_Profiles_Profile()
        m.sampleType = p.sampleTypes.map { t in
            var v = Perftools_Profiles_ValueType()
            v.type = string(t.type)
            v.unit = string(t.unit)
            return v
        }
        m.defaultSampleType = string(p.defaultSampleType)
        m.durationNanos = p.durationNanos
        // One mapping per shared object, so pprof can show and filter by it.
        var mappingOfDso: [String: UInt64] = [:]
        for dso in p.functionDsos where !dso.isEmpty && mappingOfDso[dso] == nil {
            var mapping = Perftools_Profiles_Mapping()
            mapping.id = UInt64(m.mapping.count + 1)
            mapping.filename = string(dso)
            mapping.hasFunctions_p = true
            m.mapping.append(mapping)
            mappingOfDso[dso] = mapping.id
        }
        for (k, name) in p.functions.enumerated() {
            let id = UInt64(k + 1)
            var f = Perftools_Profiles_Function()
            f.id = id
            f.name = string(name)
            f.systemName = f.name
            m.function.append(f)
            var line = Perftools_Profiles_Line()
            line.functionID = id
            var location = Perftools_Profiles_Location()
            location.id = id
            location.mappingID = mappingOfDso[p.functionDsos[k]] ?? 0
            location.line = [line]
            m.location.append(location)
        }
        let threadKey = string("thread")
        m.sample = p.samples.map { s in
            var sample = Perftools_Profiles_Sample()
            sample.locationID = s.stack.map { UInt64($0 + 1) }
            sample.value = s.values
            if let thread = s.thread {
                var label = Perftools_Profiles_Label()
                label.key = threadKey
                label.str = string(thread)
                sample.label = [label]
            }
            return sample
        }
        m.stringTable = strings
        return m
    }

    static func gzip(_ input: [UInt8]) throws(CaptureError) -> [UInt8] {
        var stream = z_stream()
        guard tracetui_deflate_init_gzip(&stream) == Z_OK else { throw CaptureError("cannot start gzip encoding") }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let status: Int32 = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw CaptureError("gzip encoding failed (\(status))") }
        out.removeSubrange(Int(stream.total_out)...)
        return out
    }
}
