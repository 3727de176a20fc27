/// One BPF map as the kernel reports it (`bpf_map_info`, memory from its fdinfo's `memlock`).
public struct BpfMap: Sendable, Equatable {
    public var id: UInt32
    /// libbpf's name for the map type (`hash`, `array`, `ringbuf`…).
    public var type: String
    public var name: String
    public var keySize: UInt32
    public var valueSize: UInt32
    public var maxEntries: UInt32
    /// nil when the kernel does not say.
    public var memoryBytes: UInt64?

    public init(id: UInt32, type: String, name: String, keySize: UInt32 = 0, valueSize: UInt32 = 0,
                maxEntries: UInt32 = 0, memoryBytes: UInt64? = nil) {
        self.id = id
        self.type = type
        self.name = name
        self.keySize = keySize
        self.valueSize = valueSize
        self.maxEntries = maxEntries
        self.memoryBytes = memoryBytes
    }
}
