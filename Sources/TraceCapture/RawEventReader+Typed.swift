import CTracefs
import TraceModel

extension RawEventReader {
    /// The latency passes' typed values the sink kept since the last call (`latency_fields.h`).
    static func typed(_ lat: tt_lat) -> TypedFields {
        var out = TypedFields()
        let n = lat.count
        guard n > 0, let row = lat.row, let kind = lat.kind, let f0 = lat.f0, let f1 = lat.f1 else { return out }
        out.rows = Array(UnsafeBufferPointer(start: row, count: n))
        out.kinds = Array(UnsafeBufferPointer(start: kind, count: n))
        out.f0 = Array(UnsafeBufferPointer(start: f0, count: n))
        out.f1 = Array(UnsafeBufferPointer(start: f1, count: n))
        return out
    }
}
