/* A perf_event program: tracetui attaches it to a cpu-clock event on every CPU; it counts its runs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} tt_ticks SEC(".maps");

SEC("perf_event")
int tt_tick(void *ctx)
{
    __u32 k = 0;
    __u64 *n = bpf_map_lookup_elem(&tt_ticks, &k);
    if (n)
        __sync_fetch_and_add(n, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
