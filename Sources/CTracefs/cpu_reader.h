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

struct tt_cpu_stream {
    struct tracefs_cpu *tcpu;
    struct kbuffer *kbuf;
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
};

/* Event ids below this are looked up in a table; others (none on current kernels) through libtraceevent. */
#define TT_EVENT_CACHE 4096

struct tt_cpu_reader {
    struct tep_handle *tep;
    int count;
    /* Reads so far, across CPUs: orders the reads in time. */
    unsigned long long reads;
    struct tt_cpu_stream *cpus;
    struct tep_event *events[TT_EVENT_CACHE];
};

/* Moves `c` to its next record, reading the CPU's next page when the loaded one is done. */
static inline void tt_cpu_advance(struct tt_cpu_stream *c, unsigned long long *reads) {
    if (c->data) {
        c->data = kbuffer_next_event(c->kbuf, &c->ts);
        if (c->data) return;
    }
    for (;;) {
        int n = tracefs_cpu_read(c->tcpu, c->page, true);
        unsigned long long read = ++*reads;
        if (n <= 0) {
            c->data = NULL;
            c->empty_read = read;
            return;
        }
        c->page_read = read;
        if (kbuffer_load_subbuffer(c->kbuf, c->page) < 0) continue;
        int missed = kbuffer_missed_events(c->kbuf);
        /* -1: the kernel lost events before this page without counting them; at least one was lost. */
        c->missed = missed < 0 ? 1 : missed;
        c->data = kbuffer_read_event(c->kbuf, &c->ts);
        if (c->data) return;
    }
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
        struct kbuffer *kbuf = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
        void *page = size > 0 ? malloc((size_t)size) : NULL;
        if (!kbuf || !page) {
            if (kbuf) kbuffer_free(kbuf);
            free(page);
            tracefs_cpu_close(tcpu);
            continue;
        }
        struct tt_cpu_stream *c = &r->cpus[r->count++];
        c->tcpu = tcpu; c->kbuf = kbuf; c->page = page; c->cpu = cpu;
    }
    return r;
}

static inline void tt_cpu_reader_close(struct tt_cpu_reader *r) {
    if (!r) return;
    for (int i = 0; i < r->count; i++) {
        tracefs_cpu_close(r->cpus[i].tcpu);
        kbuffer_free(r->cpus[i].kbuf);
        free(r->cpus[i].page);
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
    for (int i = 0; i < r->count; i++)
        if (!r->cpus[i].data) tt_cpu_advance(&r->cpus[i], &r->reads);
    for (;;) {
        struct tt_cpu_stream *next = NULL;
        for (int i = 0; i < r->count; i++) {
            struct tt_cpu_stream *c = &r->cpus[i];
            if (c->data && (!next || c->ts < next->ts)) next = c;
        }
        if (!next) return handed;
        /* At most one read per idle CPU per page of the busy ones. */
        int reread = 0;
        for (int i = 0; i < r->count; i++) {
            struct tt_cpu_stream *c = &r->cpus[i];
            if (!c->data && c->empty_read < next->page_read) {
                tt_cpu_advance(c, &r->reads);
                reread = 1;
            }
        }
        if (reread) continue;
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
        tt_cpu_advance(next, &r->reads);
        if (stop) return handed;
    }
}
#endif
