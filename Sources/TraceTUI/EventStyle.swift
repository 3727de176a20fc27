import Screen
import TraceModel

/// The colour role of an event, by the subsystem its name belongs to.
enum EventStyle {
    static func role(forEventNamed name: String, id: UInt16) -> Role {
        if id == SpecialEvent.unparsed.rawValue { return .unparsed }
        if id == SpecialEvent.lost.rawValue { return .eventLost }
        if id == SpecialEvent.bufferStarted.rawValue { return .marker }
        if name.hasPrefix("sched_") || name == "context_switch" || name == "wakeup" { return .eventSched }
        if name.hasPrefix("irq_") || name.hasPrefix("softirq_") || name.hasPrefix("ipi_")
            || name.hasPrefix("irq") || name == "funcgraph_irq" { return .eventIRQ }
        if name.hasPrefix("sys_") || name.hasPrefix("syscall") { return .eventSyscall }
        if name.hasPrefix("hrtimer_") || name.hasPrefix("timer_") || name.hasPrefix("tick_") { return .eventTimer }
        if name == "function" { return .eventFunction }
        if name.hasPrefix("funcgraph_") { return .eventGraph }
        if name == "print" || name == "bprint" || name == "bputs" || name == "tracing_mark_write" { return .eventPrint }
        if name.hasPrefix("kmem_") || name.hasPrefix("mm_") || name.hasPrefix("kmalloc") || name.hasPrefix("kfree")
            || name.hasPrefix("page_") || name.hasPrefix("rss_") { return .eventMemory }
        if name.hasPrefix("block_") || name.hasPrefix("ext4_") || name.hasPrefix("f2fs_") || name.hasPrefix("xfs_")
            || name.hasPrefix("writeback_") { return .eventBlock }
        return .eventOther
    }
}
