/* One program the verifier accepts and one it refuses, in one object: loading it must leave neither loaded. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} tt_half SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tt_half_good(void *ctx)
{
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_close")
int tt_half_bad(void *ctx)
{
    __u32 k = 0;
    __u64 *v = bpf_map_lookup_elem(&tt_half, &k);
    return *v; /* no NULL check: refused */
}

char LICENSE[] SEC("license") = "GPL";
