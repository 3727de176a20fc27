#ifndef CPERFEVENT_SHIM_H
#define CPERFEVENT_SHIM_H
/* perf_event_open has no glibc wrapper, and the attr's bit fields are easiest set from C;
   the two callers (sampling and counting) differ only in the values below. */
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <string.h>
#include <sys/ioctl.h>

static inline int tt_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd,
                                     unsigned long flags) {
    return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

/* ioctl's request argument is variadic in glibc, which Swift cannot call. */
static inline int tt_perf_ioctl(int fd, unsigned long request, unsigned long arg) {
    return ioctl(fd, request, arg);
}

static const unsigned long TT_PERF_EVENT_IOC_ENABLE = PERF_EVENT_IOC_ENABLE;
static const unsigned long TT_PERF_EVENT_IOC_DISABLE = PERF_EVENT_IOC_DISABLE;
static const unsigned long TT_PERF_EVENT_IOC_RESET = PERF_EVENT_IOC_RESET;
static const unsigned long TT_PERF_FLAG_FD_CLOEXEC = PERF_FLAG_FD_CLOEXEC;

/* Bit fields of perf_event_attr, set by name so Swift never depends on their layout. */
static inline void tt_perf_attr_set(struct perf_event_attr *a, int disabled, int inherit, int freq,
                                    int exclude_kernel, int exclude_hv, int sample_id_all, int mmap,
                                    int comm, int task, int enable_on_exec) {
    a->disabled = disabled;
    a->inherit = inherit;
    a->freq = freq;
    a->exclude_kernel = exclude_kernel;
    a->exclude_hv = exclude_hv;
    a->sample_id_all = sample_id_all;
    a->mmap = mmap;
    a->mmap2 = mmap;
    a->comm = comm;
    a->task = task;
    a->enable_on_exec = enable_on_exec;
}
/* Sampling: the union fields (period or frequency) and the sample layout. */
static inline void tt_perf_attr_sampling(struct perf_event_attr *a, unsigned long long period_or_freq, int use_freq,
                                         unsigned long long sample_type, unsigned int wakeup_events,
                                         int use_clockid, int clockid) {
    if (use_freq) { a->freq = 1; a->sample_freq = period_or_freq; }
    else { a->freq = 0; a->sample_period = period_or_freq; }
    a->sample_type = sample_type;
    a->wakeup_events = wakeup_events;
    a->use_clockid = use_clockid ? 1 : 0;
    a->clockid = clockid;
    a->comm_exec = 1;     /* an exec's comm record says so: its maps start over */
}

/* The mmap ring's head and tail: the kernel writes data_head, we publish data_tail; the barriers are the
   ones perf's tools use (load-acquire of the head, store-release of the tail). */
static inline unsigned long long tt_perf_ring_head(void *page) {
    return __atomic_load_n(&((struct perf_event_mmap_page *)page)->data_head, __ATOMIC_ACQUIRE);
}
static inline void tt_perf_ring_set_tail(void *page, unsigned long long tail) {
    __atomic_store_n(&((struct perf_event_mmap_page *)page)->data_tail, tail, __ATOMIC_RELEASE);
}
static inline unsigned long long tt_perf_ring_tail(void *page) {
    return ((struct perf_event_mmap_page *)page)->data_tail;
}
static const unsigned long TT_PERF_EVENT_IOC_SET_OUTPUT = PERF_EVENT_IOC_SET_OUTPUT;
#endif
