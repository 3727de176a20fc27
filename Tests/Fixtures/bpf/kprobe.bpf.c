/* A tracepoint program that attaches, then a kprobe one: where the kernel has no kprobes for BPF the second
   fails to attach, and the first must be detached again. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_openat")
int tt_kp_first(void *ctx)
{
    return 0;
}

SEC("kprobe/do_sys_openat2")
int tt_kp_probe(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
