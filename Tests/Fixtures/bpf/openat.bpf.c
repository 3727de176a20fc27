/* A tracepoint program for the BPF tests: counts the openat calls of one thread (its tid in slot 0 of
   tt_count, written by the loader) in slot 1, and prints each with bpf_printk. No vmlinux.h: the context is
   not read. Build: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c openat.bpf.c */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} tt_count SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tt_openat(void *ctx)
{
    __u32 k0 = 0, k1 = 1;
    __u64 *target = bpf_map_lookup_elem(&tt_count, &k0);
    if (!target || (__u32)bpf_get_current_pid_tgid() != *target)
        return 0;
    __u64 *n = bpf_map_lookup_elem(&tt_count, &k1);
    if (!n)
        return 0;
    __sync_fetch_and_add(n, 1);
    bpf_printk("tt_openat %llu", *n);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
