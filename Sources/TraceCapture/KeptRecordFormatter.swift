import CTracefs
import Glibc
import TraceModel

/// Makes the lines of the records the live reader kept as bytes (`lazyrecords.h`), from the event types' layouts
/// copied out of the reader's tep handle: rows stay readable after the reader and its instance are gone.
final class KeptRecordFormatter: KeptLineFormatter, @unchecked Sendable {
    // Immutable once made; freed with the last chunk that holds a kept record.
    let types: UnsafeMutablePointer<tt_kept_types>
    /// Each kept type's latency kind and fields (`tt_kept_lat_new`); nil when memory ran out (no typed values).
    let lat: UnsafeMutablePointer<tt_lat_type>?

    /// Every event type the reader's tep handle knew (a trace.dat made of the records names their formats).
    let eventTypes: [(id: Int, system: String, name: String)]
    /// The tracefs root and instance the records came from.
    let root: String, instanceDir: String

    /// Nil when memory ran out (the reader then formats every record).
    init?(tep: OpaquePointer?, root: String, instanceDir: String) {
        guard let types = tt_kept_types_new(tep, Int32(TT_EVENT_CACHE)) else { return nil }
        self.types = types
        lat = tt_kept_lat_new(types)
        self.root = root
        self.instanceDir = instanceDir
        var list: [(id: Int, system: String, name: String)] = []
        if let tep {
            for k in 0..<max(0, Int(tep_get_events_count(tep))) {
                guard let e = tep_get_event(tep, Int32(k)), let system = e.pointee.system, let name = e.pointee.name
                else { continue }
                list.append((Int(e.pointee.id), String(cString: system), String(cString: name)))
            }
        }
        eventTypes = list.sorted { $0.id < $1.id }
    }

    deinit {
        free(lat)
        tt_kept_types_free(types)
    }

    static let headerSize = MemoryLayout<tt_kept_header>.size

    func recordLength(_ record: UnsafeRawPointer) -> Int { tt_kept_length(record) }

    var commOffset: Int { Self.headerSize }

    func lineBound(_ record: UnsafeRawPointer) -> Int { tt_kept_bound(types, record) }

    func latencyValues(_ record: UnsafeRawPointer) -> (kind: UInt8, f0: Int64, f1: Int64) {
        guard let lat else { return (0, 0, 0) }
        var f0: Int64 = 0, f1: Int64 = 0
        let kind = tt_kept_lat_values(types, lat, record, &f0, &f1)
        return (kind, f0, f1)
    }

    func latencyValues(base: UnsafeRawPointer, offsets: UnsafePointer<UInt32>, count: Int, keptFlag: UInt32,
                       kinds: UnsafeMutablePointer<UInt8>, f0: UnsafeMutablePointer<Int64>,
                       f1: UnsafeMutablePointer<Int64>) -> Int {
        guard let lat else {
            kinds.initialize(repeating: 0, count: count)
            f0.initialize(repeating: 0, count: count)
            f1.initialize(repeating: 0, count: count)
            return 0
        }
        return tt_kept_lat_rows(types, lat, base.assumingMemoryBound(to: UInt8.self), offsets, count, keptFlag,
                                kinds, UnsafeMutableRawPointer(f0).assumingMemoryBound(to: CLongLong.self),
                                UnsafeMutableRawPointer(f1).assumingMemoryBound(to: CLongLong.self))
    }

    func format(_ record: UnsafeRawPointer, into out: UnsafeMutableRawPointer) -> (length: Int, payload: Int) {
        var payload = 0
        let n = tt_kept_format(types, record, out.assumingMemoryBound(to: CChar.self), &payload)
        return (n, payload)
    }

    /// Whether records of event type `id` are kept.
    func keeps(_ id: Int32) -> Bool { tt_kept_type_known(types, id) != 0 }
}
