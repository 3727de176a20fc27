#ifndef CBPF_SHIM_H
#define CBPF_SHIM_H
/* libbpf's object-id calls, flattened into plain structs for Swift: bpf_prog_info has bit fields and fixed
   arrays, and bpf_link_info's per-type unions grew after the uapi header Debian ships (6.1), so the link
   fields newer kernels fill (a perf_event link's tracepoint, kprobe or uprobe name) are read by their ABI
   offsets here, from a zeroed buffer the kernel accepts whatever its version. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tt_bpf_prog {
    __u32 id;
    __u32 type;
    char name[16];
    __u8 tag[8];
    __u64 run_cnt;
    __u64 run_time_ns;
    __u32 nr_map_ids;
    __u32 map_ids[32];
};

struct tt_bpf_map {
    __u32 id;
    __u32 type;
    char name[16];
    __u32 key_size;
    __u32 value_size;
    __u32 max_entries;
    __u32 flags;
    __u64 memlock; /* from /proc/self/fdinfo; 0 when the kernel does not say */
};

struct tt_bpf_link {
    __u32 id;
    __u32 type;       /* enum bpf_link_type */
    __u32 prog_id;
    __u32 perf_type;  /* perf_event links: BPF_PERF_EVENT_* (5 tracepoint, 3 kprobe, 1 uprobe…), 0 unknown */
    __u32 attach_type;
    __u32 ifindex;
    __u64 cgroup_id;
    char name[256];   /* tracepoint, function or file name, when the kernel tells it */
};

/* 0, or -errno (ENOENT: no more ids; EPERM: not root). */
static inline int tt_bpf_prog_next(__u32 start, __u32 *next) {
    return bpf_prog_get_next_id(start, next) ? -errno : 0;
}
static inline int tt_bpf_map_next(__u32 start, __u32 *next) {
    return bpf_map_get_next_id(start, next) ? -errno : 0;
}
static inline int tt_bpf_link_next(__u32 start, __u32 *next) {
    return bpf_link_get_next_id(start, next) ? -errno : 0;
}

/* The fdinfo line `key:\tvalue` of one of our own fds (memlock), 0 when absent. */
static inline __u64 tt_bpf_fdinfo_u64(int fd, const char *key) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) return 0;
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n <= 0) return 0;
    buf[n] = 0;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line; ) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') return strtoull(line + klen + 1, NULL, 10);
        line = strchr(line, '\n');
        if (line) line++;
    }
    return 0;
}

/* A program by id: 0, or -errno (ENOENT: it went away since the id was listed). */
static inline int tt_bpf_prog_get(__u32 id, struct tt_bpf_prog *out) {
    int fd = bpf_prog_get_fd_by_id(id);
    if (fd < 0) return -errno;
    struct bpf_prog_info info;
    __u32 len = sizeof info;
    memset(&info, 0, sizeof info);
    memset(out, 0, sizeof *out);
    info.nr_map_ids = 32;
    info.map_ids = (__u64)(unsigned long)out->map_ids;
    int err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
    close(fd);
    if (err) return err;
    out->id = info.id;
    out->type = info.type;
    memcpy(out->name, info.name, sizeof out->name);
    out->name[15] = 0;
    memcpy(out->tag, info.tag, sizeof out->tag);
    out->run_cnt = info.run_cnt;
    out->run_time_ns = info.run_time_ns;
    out->nr_map_ids = info.nr_map_ids < 32 ? info.nr_map_ids : 32;
    return 0;
}

/* A map by id; with `memory`, also its memlock from our fd's fdinfo. */
static inline int tt_bpf_map_get(__u32 id, struct tt_bpf_map *out, int memory) {
    int fd = bpf_map_get_fd_by_id(id);
    if (fd < 0) return -errno;
    struct bpf_map_info info;
    __u32 len = sizeof info;
    memset(&info, 0, sizeof info);
    memset(out, 0, sizeof *out);
    int err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
    if (!err) {
        out->id = info.id;
        out->type = info.type;
        memcpy(out->name, info.name, sizeof out->name);
        out->name[15] = 0;
        out->key_size = info.key_size;
        out->value_size = info.value_size;
        out->max_entries = info.max_entries;
        out->flags = info.map_flags;
        if (memory) out->memlock = tt_bpf_fdinfo_u64(fd, "memlock");
    }
    close(fd);
    return err;
}

/* bpf_link_info's layout (include/uapi/linux/bpf.h): type, id, prog_id, then an 8-aligned union at 16.
   raw_tracepoint {tp_name u64; tp_name_len u32} at 16; cgroup {cgroup_id u64; attach_type u32} at 16;
   xdp / tcx / netkit {ifindex u32; attach_type u32} at 16; tracing {attach_type u32; target_obj_id; target_btf_id};
   perf_event {type u32; pad; union {tracepoint {tp_name u64; name_len u32}, kprobe {func_name u64; name_len u32},
   uprobe {file_name u64; name_len u32}}} — the name pointer at 24, its length at 32 for all three (kernel 6.6+). */
static inline int tt_bpf_link_query(int fd, __u8 *buf, __u32 size) {
    __u32 len = size;
    return bpf_obj_get_info_by_fd(fd, buf, &len) ? -errno : 0;
}

static inline int tt_bpf_link_get(__u32 id, struct tt_bpf_link *out) {
    int fd = bpf_link_get_fd_by_id(id);
    if (fd < 0) return -errno;
    __u8 buf[128];
    memset(buf, 0, sizeof buf);
    memset(out, 0, sizeof *out);
    int err = tt_bpf_link_query(fd, buf, sizeof buf);
    if (err) { close(fd); return err; }
    memcpy(&out->type, buf, 4);
    memcpy(&out->id, buf + 4, 4);
    memcpy(&out->prog_id, buf + 8, 4);
    switch (out->type) {
    case BPF_LINK_TYPE_RAW_TRACEPOINT: {
        __u64 p = (__u64)(unsigned long)out->name;
        __u32 n = sizeof out->name;
        memset(buf + 16, 0, sizeof buf - 16);
        memcpy(buf + 16, &p, 8);
        memcpy(buf + 24, &n, 4);
        if (tt_bpf_link_query(fd, buf, sizeof buf)) out->name[0] = 0;
        break;
    }
    case BPF_LINK_TYPE_CGROUP:
        memcpy(&out->cgroup_id, buf + 16, 8);
        memcpy(&out->attach_type, buf + 24, 4);
        break;
    case BPF_LINK_TYPE_XDP:
    case 11: /* BPF_LINK_TYPE_TCX */
    case 13: /* BPF_LINK_TYPE_NETKIT */
        memcpy(&out->ifindex, buf + 16, 4);
        memcpy(&out->attach_type, buf + 20, 4);
        break;
    case BPF_LINK_TYPE_TRACING:
        memcpy(&out->attach_type, buf + 16, 4);
        break;
    case BPF_LINK_TYPE_PERF_EVENT: {
        memcpy(&out->perf_type, buf + 16, 4);
        /* Ask again with a name buffer: the kernel fills it for tracepoint, kprobe and uprobe links. */
        __u64 p = (__u64)(unsigned long)out->name;
        __u32 n = sizeof out->name;
        __u32 type = out->perf_type;
        memset(buf + 16, 0, sizeof buf - 16);
        memcpy(buf + 16, &type, 4);
        memcpy(buf + 24, &p, 8);
        memcpy(buf + 32, &n, 4);
        if (tt_bpf_link_query(fd, buf, sizeof buf)) out->name[0] = 0;
        break;
    }
    default:
        break;
    }
    out->name[sizeof out->name - 1] = 0;
    close(fd);
    return 0;
}

static inline const char *tt_bpf_prog_type_str(__u32 t) { return libbpf_bpf_prog_type_str((enum bpf_prog_type)t); }
static inline const char *tt_bpf_map_type_str(__u32 t) { return libbpf_bpf_map_type_str((enum bpf_map_type)t); }
static inline const char *tt_bpf_link_type_str(__u32 t) { return libbpf_bpf_link_type_str((enum bpf_link_type)t); }
static inline const char *tt_bpf_attach_type_str(__u32 t) { return libbpf_bpf_attach_type_str((enum bpf_attach_type)t); }

/* `tracetui --bpf OBJ`: opens, loads and attaches every program of an object by its section name. On any failure
   everything is detached and closed again (nothing half-attached) and NULL comes back with the reason in `msg`:
   libbpf's error and warnings, and for a load the verifier's log (libbpf asks the kernel for it when a load fails).
   `perf_event` sections have no target in their name, so libbpf cannot attach them itself: each gets a software
   cpu-clock event per online CPU at TT_BPF_PERF_FREQ Hz (perf_event_open, then bpf_program__attach_perf_event; the
   link owns the event's fd and closes it when destroyed). */
#include <linux/perf_event.h>
#include <sys/syscall.h>

#define TT_BPF_PERF_FREQ 99
#define TT_BPF_MAX_LINKS 1024

struct tt_bpf_loaded {
    struct bpf_object *obj;
    struct bpf_link *links[TT_BPF_MAX_LINKS];
    int nlinks;
};

/* libbpf's warnings of the current load, kept to say why something failed (libbpf prints them otherwise). A static
   local, not a global: Swift's importer emits the header's inline functions but not its variables. */
struct tt_bpf_warning_buf { char text[4096]; size_t len; };
static inline struct tt_bpf_warning_buf *tt_bpf_warning_buf(void) {
    static struct tt_bpf_warning_buf buf;
    return &buf;
}
#define tt_bpf_warnings (tt_bpf_warning_buf()->text)
#define tt_bpf_warnings_len (tt_bpf_warning_buf()->len)

static inline int tt_bpf_collect(enum libbpf_print_level level, const char *fmt, va_list args) {
    if (level != LIBBPF_WARN || tt_bpf_warnings_len >= sizeof tt_bpf_warnings - 1) return 0;
    int n = vsnprintf(tt_bpf_warnings + tt_bpf_warnings_len, sizeof tt_bpf_warnings - tt_bpf_warnings_len, fmt, args);
    if (n > 0) tt_bpf_warnings_len += (size_t)n;
    if (tt_bpf_warnings_len > sizeof tt_bpf_warnings - 1) tt_bpf_warnings_len = sizeof tt_bpf_warnings - 1;
    return 0;
}

static inline void tt_bpf_unload(struct tt_bpf_loaded *l) {
    if (!l) return;
    for (int i = 0; i < l->nlinks; i++) bpf_link__destroy(l->links[i]);
    bpf_object__close(l->obj);
    free(l);
}

static inline size_t tt_bpf_say_warnings(char *msg, size_t msgsize, size_t n) {
    if (tt_bpf_warnings_len && n < msgsize) n += snprintf(msg + n, msgsize - n, "\n%s", tt_bpf_warnings);
    return n;
}

/* One cpu-clock event per online CPU, each with the program attached; 0 or -errno. */
static inline int tt_bpf_attach_perf_event(struct bpf_program *p, struct tt_bpf_loaded *l) {
    int ncpu = libbpf_num_possible_cpus();
    int attached = 0;
    for (int cpu = 0; cpu < ncpu; cpu++) {
        struct perf_event_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.size = sizeof attr;
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = PERF_COUNT_SW_CPU_CLOCK;
        attr.freq = 1;
        attr.sample_freq = TT_BPF_PERF_FREQ;
        int fd = (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
            if (errno == ENODEV) continue; /* a possible CPU that is not online */
            return -errno;
        }
        if (l->nlinks == TT_BPF_MAX_LINKS) { close(fd); return -E2BIG; }
        struct bpf_link *link = bpf_program__attach_perf_event(p, fd);
        long err = libbpf_get_error(link);
        if (!link || err) { close(fd); return err ? (int)err : -errno; }
        l->links[l->nlinks++] = link;
        attached++;
    }
    return attached ? 0 : -ENODEV;
}

static inline int tt_bpf_is_kprobe(const char *section) {
    return strncmp(section, "kprobe", 6) == 0 || strncmp(section, "kretprobe", 9) == 0;
}

static inline struct tt_bpf_loaded *tt_bpf_load_object(const char *path, char *msg, size_t msgsize) {
    size_t log_size = 1 << 20;
    char *log = calloc(1, log_size);
    msg[0] = 0;
    tt_bpf_warnings[0] = 0;
    tt_bpf_warnings_len = 0;
    libbpf_set_print(tt_bpf_collect);
    LIBBPF_OPTS(bpf_object_open_opts, opts, .kernel_log_buf = log, .kernel_log_size = log_size);
    struct bpf_object *obj = bpf_object__open_file(path, &opts);
    long err = libbpf_get_error(obj);
    if (!obj || err) {
        size_t n = snprintf(msg, msgsize, "%s: not a BPF object libbpf can open (%s)", path,
                            strerror(err ? (int)-err : errno));
        tt_bpf_say_warnings(msg, msgsize, n);
        free(log);
        return NULL;
    }
    if (bpf_object__load(obj)) {
        int e = errno;
        size_t n = snprintf(msg, msgsize, "%s: the kernel refused to load it (%s)", path, strerror(e));
        /* The verifier's own words: the log of the program that failed (libbpf keeps one per program). */
        struct bpf_program *p;
        bpf_object__for_each_program(p, obj) {
            size_t len = 0;
            const char *plog = bpf_program__log_buf(p, &len);
            if (plog && plog[0] && n < msgsize)
                n += snprintf(msg + n, msgsize - n, "\nverifier log of %s:\n%s", bpf_program__name(p), plog);
        }
        if (log[0] && n < msgsize) n += snprintf(msg + n, msgsize - n, "\nverifier log:\n%s", log);
        tt_bpf_say_warnings(msg, msgsize, n);
        bpf_object__close(obj);
        free(log);
        return NULL;
    }
    free(log);
    struct tt_bpf_loaded *l = calloc(1, sizeof *l);
    l->obj = obj;
    struct bpf_program *p;
    bpf_object__for_each_program(p, obj) {
        const char *section = bpf_program__section_name(p);
        int aerr = 0;
        if (bpf_program__type(p) == BPF_PROG_TYPE_PERF_EVENT) {
            aerr = tt_bpf_attach_perf_event(p, l);
        } else if (l->nlinks == TT_BPF_MAX_LINKS) {
            aerr = -E2BIG;
        } else {
            struct bpf_link *link = bpf_program__attach(p);
            long lerr = libbpf_get_error(link);
            if (!link || lerr) aerr = lerr ? (int)lerr : -errno;
            else l->links[l->nlinks++] = link;
        }
        if (aerr) {
            size_t n = snprintf(msg, msgsize, "%s: cannot attach %s (section %s): %s", path, bpf_program__name(p),
                                section, strerror(-aerr));
            if (tt_bpf_is_kprobe(section) && access("/sys/bus/event_source/devices/kprobe", F_OK) != 0
                && access("/sys/kernel/tracing/kprobe_events", F_OK) != 0 && n < msgsize)
                n += snprintf(msg + n, msgsize - n, "\nthis kernel has no kprobes for BPF (no kprobe PMU in "
                              "/sys/bus/event_source/devices, no kprobe_events in tracefs: CONFIG_KPROBE_EVENTS is off)");
            n += snprintf(msg + n, n < msgsize ? msgsize - n : 0,
                          "\nnothing of the object is attached: the programs attached before it were detached again");
            tt_bpf_say_warnings(msg, msgsize, n);
            tt_bpf_unload(l);
            return NULL;
        }
    }
    return l;
}

/* A map's fd by id (-errno on failure), for reading its entries. */
static inline int tt_bpf_map_fd(__u32 id) {
    int fd = bpf_map_get_fd_by_id(id);
    return fd < 0 ? -errno : fd;
}

#endif
