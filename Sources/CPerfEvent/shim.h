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
#endif
