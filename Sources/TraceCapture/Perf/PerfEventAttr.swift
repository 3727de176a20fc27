import CPerfEvent

/// A zeroed `perf_event_attr` of the running kernel's size: the fields not set stay off, as the kernel expects.
func makePerfEventAttr(type: UInt32, config: UInt64) -> perf_event_attr {
    var attr = perf_event_attr()
    attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
    attr.type = type
    attr.config = config
    return attr
}
