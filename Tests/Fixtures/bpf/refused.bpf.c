/* A program the verifier refuses: it reads a map value without checking the lookup's NULL (a hash map: kernels
   from 6.14 prove an array lookup with a constant in-range key non-NULL and would accept it). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} tt_bad SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tt_refused(void *ctx)
{
    __u32 k = 0;
    __u64 *v = bpf_map_lookup_elem(&tt_bad, &k);
    return *v;
}

char LICENSE[] SEC("license") = "GPL";
