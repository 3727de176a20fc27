#ifndef CTRACEFS_CPU_READER_H
#define CTRACEFS_CPU_READER_H
/* Reads an instance's per-CPU ring buffers through descriptors kept open for the whole capture, merging the
   CPUs' records by timestamp into the sink. tracefs_iterate_raw_events opened every CPU's trace_pipe_raw,
   parsed the header page and allocated its buffers on each call, and looked each record's event up by a
   binary search: at a few thousand events a second that set-up cost more than the events. */
#include <tracefs.h>
#include <event-parse.h>
#include <kbuffer.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

struct tt_cpu_stream {
    /* Only for its sub-buffer size (tracefs_cpu_read_size): reads go through `fd`. */
    struct tracefs_cpu *tcpu;
    struct kbuffer *kbuf;
    /* The CPU's trace_pipe_raw, non-blocking, and its sub-buffer ("page") size. */
    int fd, size;
    /* A page read whole or in part by read(2). */
    void *page;
    int cpu;
    /* The record under the cursor (NULL: nothing read yet, or the CPU had nothing at the last read). */
    void *data;
    unsigned long long ts;
    /* Losses the kernel reported before the loaded page, given to its first record. */
    long long missed;
    /* The reader's count of reads when the loaded page was read, and when the buffer was last found empty:
       every record of a page read before a CPU was found empty is older than anything that CPU records later. */
    unsigned long long page_read, empty_read;
    /* Full pages come by splice(2) through `pipe` into `batch` (up to `batch_cap` bytes, `batch_len` filled,
       `batch_off` taken): the kernel hands over only full pages that way, a few hundred per call. A read(2)
       instead takes whatever is there, a few records of a page still being written: under a load that refills
       the buffer as fast as it is read, read(2) after read(2) took a few dozen records each, most of the
       reader's CPU (and a page in a .dat per read). pipe[0] -1: no splice, read(2) only. */
    int pipe[2];
    char *batch;
    int batch_cap, batch_len, batch_off;
    /* Full pages this CPU gave, and the others' count when it last gave a part of a page by read(2) (`partial`
       set): a CPU is read in part at most once per drain and again only once another CPU gave a full page. */
    unsigned long long full_pages, partial_others;
    int partial;
    /* The last record loaded's time (`has_ts`): the CPU holds nothing older. */
    unsigned long long last_ts;
    int has_ts;
    /* The `page_read` of the record the drain last re-read this CPU for (see tt_cpu_reader_drain). */
    unsigned long long tried_for;
};

/* Event ids below this are looked up in a table; others (none on current kernels) through libtraceevent. */
#define TT_EVENT_CACHE 4096
/* The splice pipe's size asked for (the default is 64 KB): 64 pages of 4 KB a call. */
#define TT_SPLICE_BYTES (256 << 10)
/* splice(2), pipe2(2) and F_SETPIPE_SZ are _GNU_SOURCE's, which the headers were included without here: the
   system call and the kernel's numbers (linux/fcntl.h, linux/splice.h) instead. */
#define TT_F_SETPIPE_SZ 1031
#define TT_F_GETPIPE_SZ 1032
#define TT_SPLICE_F_MOVE 1u
#define TT_SPLICE_F_NONBLOCK 2u
static inline long tt_splice(int in, int out, size_t length) {
    return syscall(SYS_splice, in, NULL, out, NULL, length, TT_SPLICE_F_MOVE | TT_SPLICE_F_NONBLOCK);
}
static inline int tt_pipe(int fds[2]) {
    if (pipe(fds) < 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

struct tt_cpu_reader {
    struct tep_handle *tep;
    int count;
    /* Reads so far, across CPUs: orders the reads in time. */
    unsigned long long reads;
    /* Full pages read so far, across CPUs. */
    unsigned long long full_pages;
    /* 1: the last drain ended with a record it could not yet place in time order (it is handed over next
       time); 0: it ended with every CPU read up to a time after it began. */
    int pending;
    /* Set once tracing has stopped: pages still being written are read as often as needed (nothing will
       fill them), so a drain ends with everything read. */
    int final;
    struct tt_cpu_stream *cpus;
    struct tep_event *events[TT_EVENT_CACHE];
};

/* The next page of `c`, whole from the splice batch if one is there, else by read(2) if the policy above allows.
   Returns the page or NULL (nothing now: `c->empty_read` is set when the CPU was found empty). */
static inline void *tt_cpu_next_page(struct tt_cpu_stream *c, unsigned long long *reads, unsigned long long *full_total,
                                     int allow_partial) {
    if (c->batch_off >= c->batch_len && c->pipe[0] >= 0) {
        ssize_t n = tt_splice(c->fd, c->pipe[1], (size_t)c->batch_cap);
        if (n > 0) {
            ssize_t got = 0;
            while (got < n) {
                ssize_t m = read(c->pipe[0], c->batch + got, (size_t)(n - got));
                if (m < 0 && errno == EINTR) continue;
                if (m <= 0) break;
                got += m;
            }
            c->batch_len = (int)(got - got % c->size);
            c->batch_off = 0;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            /* Refused (an old kernel, a file system without splice): read(2) from now on. */
            close(c->pipe[0]); close(c->pipe[1]);
            c->pipe[0] = c->pipe[1] = -1;
        }
    }
    if (c->batch_off < c->batch_len) {
        void *page = c->batch + c->batch_off;
        c->batch_off += c->size;
        c->full_pages++;
        ++*full_total;
        return page;
    }
    unsigned long long others = *full_total - c->full_pages;
    /* allow_partial: 0 never, 1 by the policy above, 2 always. */
    if (!allow_partial || (allow_partial == 1 && c->partial && others == c->partial_others)) return NULL;
    ssize_t n = read(c->fd, c->page, (size_t)c->size);
    if (n <= 0) {
        c->empty_read = ++*reads;
        return NULL;
    }
    c->partial = 1;
    c->partial_others = others;
    /* A short read is still one page: readers go by the page header's length. */
    if (n < c->size) memset((char *)c->page + n, 0, (size_t)(c->size - n));
    return c->page;
}

/* Moves `c` to its next record, reading the CPU's next page when the loaded one is done. */
static inline void tt_cpu_advance(struct tt_cpu_stream *c, struct tt_cpu_reader *r) {
    if (c->data) {
        c->data = kbuffer_next_event(c->kbuf, &c->ts);
        if (c->data) {
            c->last_ts = c->ts;
            return;
        }
    }
    for (;;) {
        void *page = tt_cpu_next_page(c, &r->reads, &r->full_pages, r->final ? 2 : 1);
        if (!page) {
            c->data = NULL;
            return;
        }
        c->page_read = ++r->reads;
        if (kbuffer_load_subbuffer(c->kbuf, page) >= 0) {
            int missed = kbuffer_missed_events(c->kbuf);
            /* -1: the kernel lost events before this page without counting them; at least one was lost. */
            c->missed = missed < 0 ? 1 : missed;
            c->data = kbuffer_read_event(c->kbuf, &c->ts);
            if (c->data) {
                c->last_ts = c->ts;
                c->has_ts = 1;
                return;
            }
        }
        /* A page read in part with no record in it (events the pid filter discarded leave padding): the CPU had
           nothing more when read, as if found empty. Without this a CPU busy with other tasks' filtered events
           could never be found empty, and a pass that needed it to be stalled pass after pass. */
        if (page == c->page) c->empty_read = ++r->reads;
    }
}

/* A new drain: every CPU may be read in part once more. */
static inline void tt_cpu_reader_begin(struct tt_cpu_reader *r) {
    for (int i = 0; i < r->count; i++) r->cpus[i].partial = 0;
}

static inline struct tt_cpu_reader *tt_cpu_reader_open(struct tep_handle *tep, struct tracefs_instance *instance) {
    long configured = sysconf(_SC_NPROCESSORS_CONF);
    if (configured <= 0) configured = 1;
    struct tt_cpu_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->tep = tep;
    r->cpus = calloc((size_t)configured, sizeof *r->cpus);
    if (!r->cpus) { free(r); return NULL; }
    for (int cpu = 0; cpu < configured; cpu++) {
        /* An offline CPU has no buffer to read. */
        struct tracefs_cpu *tcpu = tracefs_cpu_open(instance, cpu, true);
        if (!tcpu) continue;
        int size = tracefs_cpu_read_size(tcpu);
        /* Our own descriptor (libtracefs 1.6 does not give its own): splice and read(2) must go through one
           open file, whose state knows how much of a page read in part is left. */
        char name[64];
        snprintf(name, sizeof name, "per_cpu/cpu%d/trace_pipe_raw", cpu);
        char *path = tracefs_instance_get_file(instance, name);
        int fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
        tracefs_put_tracing_file(path);
        struct kbuffer *kbuf = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
        void *page = size > 0 ? malloc((size_t)size) : NULL;
        if (!kbuf || !page || fd < 0) {
            if (kbuf) kbuffer_free(kbuf);
            free(page);
            if (fd >= 0) close(fd);
            tracefs_cpu_close(tcpu);
            continue;
        }
        struct tt_cpu_stream *c = &r->cpus[r->count++];
        c->tcpu = tcpu; c->kbuf = kbuf; c->page = page; c->cpu = cpu; c->fd = fd; c->size = size;
        c->pipe[0] = c->pipe[1] = -1;
        if (tt_pipe(c->pipe) == 0) {
            int cap = fcntl(c->pipe[1], TT_F_SETPIPE_SZ, TT_SPLICE_BYTES);
            if (cap < size) cap = fcntl(c->pipe[1], TT_F_GETPIPE_SZ);
            cap -= cap % size;
            c->batch = cap > 0 ? malloc((size_t)cap) : NULL;
            c->batch_cap = cap;
            if (!c->batch) {
                close(c->pipe[0]); close(c->pipe[1]);
                c->pipe[0] = c->pipe[1] = -1;
            }
        } else {
            c->pipe[0] = c->pipe[1] = -1;
        }
    }
    return r;
}

static inline void tt_cpu_reader_close(struct tt_cpu_reader *r) {
    if (!r) return;
    for (int i = 0; i < r->count; i++) {
        struct tt_cpu_stream *c = &r->cpus[i];
        tracefs_cpu_close(c->tcpu);
        kbuffer_free(c->kbuf);
        free(c->page);
        free(c->batch);
        close(c->fd);
        if (c->pipe[0] >= 0) { close(c->pipe[0]); close(c->pipe[1]); }
    }
    free(r->cpus);
    free(r);
}

static inline struct tep_event *tt_cpu_reader_event(struct tt_cpu_reader *r, struct tep_record *record) {
    int id = tep_data_type(r->tep, record);
    if (id < 0) return NULL;
    if (id >= TT_EVENT_CACHE) return tep_find_event(r->tep, id);
    if (!r->events[id]) r->events[id] = tep_find_event(r->tep, id);
    return r->events[id];
}

/* Hands every record the buffers hold now to `callback`, oldest first across CPUs, until they are empty or
   the callback returns non-zero; records not yet handed over stay for the next call. Returns how many.
   One time-ordered stream across calls too: a record is handed over only once every CPU without a record
   loaded was found empty after the record's page was read (else that CPU is read again first), since a CPU
   found empty at time T records only events newer than T. Without it a CPU found empty at the start of a pass
   filled while the others' later pages were handed over, and the stream stepped back by up to a pass. */
static inline long tt_cpu_reader_drain(struct tt_cpu_reader *r,
                                       int (*callback)(struct tep_event *, struct tep_record *, int, void *),
                                       void *context) {
    long handed = 0;
    tt_cpu_reader_begin(r);
    r->pending = 0;
    for (int i = 0; i < r->count; i++)
        if (!r->cpus[i].data) tt_cpu_advance(&r->cpus[i], r);
    /* Once every CPU is out of records, each may be read in part once more: what was written during the pass
       goes out with it, so a pass ends read up to about its own end (text read from elsewhere right after it,
       `--printk`'s trace_pipe, merges with the records around it), for one more read a CPU and pass. */
    int closing = 0;
    for (;;) {
        struct tt_cpu_stream *next = NULL;
        for (int i = 0; i < r->count; i++) {
            struct tt_cpu_stream *c = &r->cpus[i];
            if (c->data && (!next || c->ts < next->ts)) next = c;
        }
        if (!next && !closing) {
            closing = 1;
            tt_cpu_reader_begin(r);
            for (int i = 0; i < r->count; i++) tt_cpu_advance(&r->cpus[i], r);
            continue;
        }
        if (!next) return handed;
        /* At most one read per idle CPU per page of the busy ones. A CPU whose last record is as new as
           `next` holds nothing older: no read needed. One that may not be read in part again in this drain
           (tt_cpu_next_page) and has nothing newer leaves `next` for the next drain. */
        int reread = 0, stalled = 0;
        for (int i = 0; i < r->count; i++) {
            struct tt_cpu_stream *c = &r->cpus[i];
            if (c->data || c->empty_read >= next->page_read) continue;
            if (c->has_ts && c->last_ts >= next->ts) continue;
            if (c->tried_for == next->page_read) {
                stalled = 1;
                continue;
            }
            c->tried_for = next->page_read;
            tt_cpu_advance(c, r);
            reread = 1;
        }
        if (reread) continue;
        if (stalled) {
            r->pending = 1;
            return handed;
        }
        struct tep_record record = {0};
        record.ts = next->ts;
        record.cpu = next->cpu;
        record.data = next->data;
        record.size = kbuffer_event_size(next->kbuf);
        record.record_size = kbuffer_curr_size(next->kbuf);
        record.missed_events = next->missed;
        struct tep_event *event = tt_cpu_reader_event(r, &record);
        /* A record of no known event passes its CPU's losses on to the next one. */
        if (event) next->missed = 0;
        int stop = event ? callback(event, &record, next->cpu, context) : 0;
        handed++;
        tt_cpu_advance(next, r);
        if (stop) return handed;
    }
}
#endif
