/* The --bpf map tests' program: a log2 histogram of the `mode` argument of the openat calls made by tasks named
   tt_calls (the test's helper passes chosen modes straight to the syscall), bcc's BPF_HISTOGRAM way (an array of
   64 u64 slots keyed by log2), and a uprobe on the helper's tt_work counting its calls (TT_BIN: the helper's path,
   given with -D when compiling). Build: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu
   -DTT_BIN='"/path/to/tt_calls"' -c hist.bpf.c */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} tt_hist SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} tt_calls SEC(".maps");

static __always_inline __u32 log2l(__u64 v)
{
    __u32 r = 0;
    #pragma unroll
    for (int s = 32; s > 0; s >>= 1) {
        if (v >> s) {
            v >>= s;
            r += s;
        }
    }
    return r;
}

static __always_inline int is_helper(void)
{
    char comm[16] = {};
    bpf_get_current_comm(comm, sizeof comm);
    return comm[0] == 't' && comm[1] == 't' && comm[2] == '_' && comm[3] == 'c' && comm[4] == 'a' && comm[5] == 'l'
        && comm[6] == 'l' && comm[7] == 's' && comm[8] == 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tt_hist_openat(void *ctx)
{
    if (!is_helper())
        return 0;
    __u64 mode = *(__u64 *)((char *)ctx + 40);
    __u32 slot = log2l(mode);
    if (slot >= 64)
        return 0;
    __u64 *n = bpf_map_lookup_elem(&tt_hist, &slot);
    if (n)
        __sync_fetch_and_add(n, 1);
    bpf_printk("tt_hist mode %llu slot %u", mode, slot);
    return 0;
}

SEC("uprobe/" TT_BIN ":tt_work")
int tt_work_calls(void *ctx)
{
    __u32 k = 0;
    __u64 *n = bpf_map_lookup_elem(&tt_calls, &k);
    if (n)
        __sync_fetch_and_add(n, 1);
    bpf_printk("tt_work called");
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
