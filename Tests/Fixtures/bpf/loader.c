/* The BPF tests' loader: loads an object with libbpf, writes TARGET_TID into slot 0 of its first map, attaches
   every program, keeps run statistics on through BPF_ENABLE_STATS (an fd: on while it lives, nothing global to
   restore), prints "ready <prog id>…", then waits for stdin to close, prints "count <slot 1>" and exits
   (detaching everything). Build: gcc loader.c -lbpf. Usage: loader OBJ TARGET_TID */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 64;
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj || libbpf_get_error(obj)) { fprintf(stderr, "open failed\n"); return 1; }
    if (bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 2; }
    int stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
    if (stats < 0) fprintf(stderr, "stats not enabled\n");
    struct bpf_map *map = bpf_object__next_map(obj, NULL);
    __u32 k0 = 0, k1 = 1;
    __u64 target = strtoull(argv[2], NULL, 10), n = 0;
    if (map) bpf_map_update_elem(bpf_map__fd(map), &k0, &target, BPF_ANY);
    struct bpf_program *p;
    printf("ready");
    bpf_object__for_each_program(p, obj) {
        if (!bpf_program__attach(p)) { fprintf(stderr, "attach failed\n"); return 3; }
        struct bpf_prog_info info = {0};
        __u32 len = sizeof info;
        bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
        printf(" %u", info.id);
    }
    printf("\n");
    fflush(stdout);
    char buf[64];
    while (read(0, buf, sizeof buf) > 0) {}
    if (map) bpf_map_lookup_elem(bpf_map__fd(map), &k1, &n);
    printf("count %llu\n", (unsigned long long)n);
    return 0;
}
