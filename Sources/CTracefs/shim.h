#ifndef CTRACEFS_SHIM_H
#define CTRACEFS_SHIM_H
#include <tracefs.h>
#include <event-parse.h>
#include <trace-seq.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include "fastformat.h"
#include "cpu_reader.h"
#include "page_copy.h"
#include "rows.h"
#include "lazyrecords.h"
#include "latency_fields.h"

/* Where formatted lines go: a block of bytes the Swift side owns. When fewer than `reserve` bytes are
   left, `flush` is called (from inside the iteration) so Swift can hand the block to the parser and give
   a new one; stopping the iteration instead would drop the rest of the ring-buffer page. */
struct tt_sink {
    char *buf;
    size_t len;
    size_t cap;
    size_t reserve;
    unsigned long long events;
    unsigned long long missed;
    struct tep_handle *tep;
    struct trace_seq seq;
    void (*flush)(void *context);
    void *context;
    /* Task names come from the events that carry them (the kernel's saved_cmdlines was read once, at start). */
    int switch_id, fork_id, exec_id;
    /* 1: every event through tep_print_event (the kernel's own wording, ~3 µs an event). */
    int pretty;
    struct tep_format_field *prev_state;
    /* The last task seen on each CPU: consecutive records are mostly the same task, so its name is looked up
       (two binary searches) only when the task changes. */
    struct tt_task_cache cache;
    /* Called every 4096 records: under a load the kernel refills the buffers as fast as they drain and one
       iteration would never end; the tick lets the caller publish and ask to stop (non-zero). */
    int (*tick)(void *context);
    unsigned int since_tick;
    struct tep_format_field *prev_comm, *prev_pid, *next_comm, *next_pid, *child_comm, *child_pid, *exec_filename;
    /* 1: each record's columns go to `rows` too (the live viewer's store), not only its line. */
    int keep_rows;
    struct tt_rows rows;
    /* The latency analysis' typed values of the kept rows that have them (latency_fields.h). */
    struct tt_lat lat;
    /* Per event id: 0 not yet known, 1 the fast formatter, 2 its own printed form (ftrace's events); and the
       name's length. Syscall pairs alternate events every record: a one-entry cache missed every time. */
    unsigned char fast_by_id[TT_EVENT_CACHE];
    unsigned char name_len_by_id[TT_EVENT_CACHE];
    /* Non-NULL: records of these types are kept as bytes, not formatted (the live viewer, lazyrecords.h); their
       rows say payload 0. Owned by the caller. */
    const struct tt_kept_types *kept;
};

static inline void tt_sink_prepare(struct tt_sink *s) {
    struct tep_event *e;
    s->switch_id = s->fork_id = s->exec_id = -1;
    if ((e = tep_find_event_by_name(s->tep, "sched", "sched_process_exec"))) s->exec_id = e->id;
    if ((e = tep_find_event_by_name(s->tep, "sched", "sched_switch"))) {
        s->switch_id = e->id;
        s->prev_comm = tep_find_field(e, "prev_comm"); s->prev_pid = tep_find_field(e, "prev_pid");
        s->next_comm = tep_find_field(e, "next_comm"); s->next_pid = tep_find_field(e, "next_pid");
        s->prev_state = tep_find_field(e, "prev_state");
        if (!s->prev_comm || !s->prev_pid || !s->next_comm || !s->next_pid) s->switch_id = -1;
    }
    if ((e = tep_find_event_by_name(s->tep, "sched", "sched_process_fork"))) {
        s->fork_id = e->id;
        s->child_comm = tep_find_field(e, "child_comm"); s->child_pid = tep_find_field(e, "child_pid");
        if (!s->child_comm || !s->child_pid) s->fork_id = -1;
    }
}

/* A task first seen before any event named it: ask /proc once (it is usually still running). */
static inline void tt_learn_pid(struct tt_sink *s, int pid, int force) {
    if (pid <= 0 || (!force && tep_is_pid_registered(s->tep, pid))) return;
    char path[48], name[32];
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, name, sizeof name - 1);
    close(fd);
    if (n <= 0) return;
    if (name[n - 1] == '\n') n--;
    name[n] = 0;
    tep_override_comm(s->tep, name, pid);
    tt_task_cache_clear(&s->cache);
}

static inline void tt_note_comm(struct tt_sink *s, struct tep_record *record, struct tep_format_field *comm,
                                struct tep_format_field *pidf) {
    unsigned long long pid = 0;
    char name[32];
    if (tep_read_number_field(pidf, record->data, &pid) != 0 || pid == 0) return;
    int n = comm->size < 31 ? comm->size : 31;
    memcpy(name, (char *)record->data + comm->offset, (size_t)n);
    name[n] = 0;
    const char *known = tep_data_comm_from_pid(s->tep, (int)pid);
    if (!known || strcmp(known, name) != 0) {
        tep_override_comm(s->tep, name, (int)pid);
        tt_task_cache_clear(&s->cache);
    }
}

static inline void tt_sink_init(struct tt_sink *s) {
    trace_seq_init(&s->seq);
    tt_task_cache_clear(&s->cache);
}
static inline void tt_sink_destroy(struct tt_sink *s) {
    trace_seq_destroy(&s->seq); tt_rows_free(&s->rows); tt_lat_free(&s->lat);
}

/* One record as an ftrace text line, `comm-pid [cpu] flags sec.usec: name: info`, the form the kernel's
   `trace` file uses, so the existing text parser reads live events exactly as it reads saved logs. */
static inline int tt_sink_record_one(struct tep_event *event, struct tep_record *record, int cpu, void *context) {
    struct tt_sink *s = (struct tt_sink *)context;
    (void)event; (void)cpu;
    if (record->missed_events > 0) {
        if (s->keep_rows) tt_rows_add_text(&s->rows, s->len);
        s->missed += (unsigned long long)record->missed_events;
        int n = snprintf(s->buf + s->len, s->cap - s->len, "CPU:%d [LOST %lld EVENTS]\n", record->cpu,
                         (long long)record->missed_events);
        if (n > 0) s->len += (size_t)n;
    }
    if (event->id == s->switch_id) {
        tt_note_comm(s, record, s->prev_comm, s->prev_pid);
        tt_note_comm(s, record, s->next_comm, s->next_pid);
    } else if (event->id == s->fork_id) {
        tt_note_comm(s, record, s->child_comm, s->child_pid);
    } else if (event->id == s->exec_id) {
        tt_learn_pid(s, tep_data_pid(s->tep, record), 1);
    } else {
        /* common_pid, read where the formatter reads it (tep_data_pid looks the field up every time). */
        int pid = (int)tt_sign(tt_load((const unsigned char *)record->data + 4, 4), 4);
        if (!tt_task_cache_hit(&s->cache, record->cpu, pid)) tt_learn_pid(s, pid, 0);
    }
    char *out = s->buf + s->len;
    size_t n;
    int fast;
    size_t name_len;
    if (event->id >= 0 && event->id < TT_EVENT_CACHE) {
        unsigned char *known = &s->fast_by_id[event->id];
        if (!*known) {
            /* ftrace's own events (print, kernel_stack, function) only have their printed form. */
            *known = (!s->pretty && !(event->flags & TEP_EVENT_FL_ISFTRACE) && strcmp(event->system, "ftrace") != 0)
                         ? 1 : 2;
            size_t len = strlen(event->name);
            s->name_len_by_id[event->id] = (unsigned char)(len < 255 ? len : 0);
        }
        fast = *known == 1;
        name_len = s->name_len_by_id[event->id];
        if (!name_len) name_len = strlen(event->name);
    } else {
        fast = !s->pretty && !(event->flags & TEP_EVENT_FL_ISFTRACE) && strcmp(event->system, "ftrace") != 0;
        name_len = strlen(event->name);
    }
    if (fast && s->kept && tt_kept_type_known(s->kept, event->id)) {
        const unsigned char *data = (const unsigned char *)record->data;
        int pid = (int)tt_sign(tt_load(data + 4, 4), 4);
        size_t comm_len;
        const char *comm = tt_task_comm(s->tep, &s->cache, record->cpu, pid, &comm_len);
        if (s->keep_rows) {
            tt_rows_add(&s->rows, s->len, (long long)record->ts, pid, event->id, record->cpu,
                        tt_pack_flags(data[2], data[3]), TT_ROW_KEPT, comm_len);
            if (!s->rows.failed) tt_lat_note(&s->lat, event, record, s->rows.count - 1);
        }
        s->len += tt_kept_write(out, event->id, record, comm, comm_len);
        s->events++;
        if (s->cap - s->len < s->reserve) s->flush(s->context);
        return 0;
    }
    if (fast) {
        char *o = tt_fast_prefix(s->tep, record, out, &s->cache, 0);
        o = tt_put(o, event->name, name_len);
        *o++ = ':';
        size_t colon_end = (size_t)(o - out);
        /* Strings were written with newlines replaced: no scan needed. */
        n = (size_t)(tt_fast_fields(event, record, out, o, s->reserve - 2, s->prev_state) - out);
        if (s->keep_rows) {
            const unsigned char *data = (const unsigned char *)record->data;
            int pid = (int)tt_sign(tt_load(data + 4, 4), 4);
            size_t comm_len = tt_task_cache_hit(&s->cache, record->cpu, pid) ? s->cache.len[record->cpu]
                                                                              : strlen(tep_data_comm_from_pid(s->tep, pid));
            tt_rows_add(&s->rows, s->len, (long long)record->ts, pid, event->id, record->cpu,
                        tt_pack_flags(data[2], data[3]), n > colon_end ? colon_end + 1 : colon_end, comm_len);
            if (!s->rows.failed) tt_lat_note(&s->lat, event, record, s->rows.count - 1);
        }
        out[n] = '\n';
        s->len += n + 1;
        s->events++;
        if (s->cap - s->len < s->reserve) s->flush(s->context);
        return 0;
    }
    if (s->keep_rows) tt_rows_add_text(&s->rows, s->len);
    if (strcmp(event->name, "kernel_stack") == 0 || strcmp(event->name, "user_stack") == 0) {
        /* The kernel's form: `<stack trace>` after the timestamp, then one ` => frame` line each, which the
           parser attaches to the event before it. */
        trace_seq_reset(&s->seq);
        if (event->name[0] == 'u')
            tep_print_event(s->tep, &s->seq, record, "%16s-%-7d [%03d] %s %6.1000d: <user stack trace>\n%s",
                            TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU, TEP_PRINT_LATENCY, TEP_PRINT_TIME,
                            TEP_PRINT_INFO);
        else
            tep_print_event(s->tep, &s->seq, record, "%16s-%-7d [%03d] %s %6.1000d: <stack trace>\n%s",
                            TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU, TEP_PRINT_LATENCY, TEP_PRINT_TIME,
                            TEP_PRINT_INFO);
        n = 0;
        for (unsigned int i = 0; i < s->seq.len && n < s->reserve - 8; i++) {
            char c = s->seq.buffer[i];
            if (c == '\t') { out[n++] = ' '; continue; }
            out[n++] = c;
        }
        while (n > 0 && out[n - 1] == '\n') n--;
        out[n] = '\n';
        s->len += n + 1;
        s->events++;
        if (s->cap - s->len < s->reserve) s->flush(s->context);
        return 0;
    } else {
        trace_seq_reset(&s->seq);
        tep_print_event(s->tep, &s->seq, record, "%16s-%-7d [%03d] %s %6.1000d: %s: %s",
                        TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU, TEP_PRINT_LATENCY, TEP_PRINT_TIME,
                        TEP_PRINT_NAME, TEP_PRINT_INFO);
        n = s->seq.len;
        if (n > s->reserve - 2) n = s->reserve - 2;
        memcpy(out, s->seq.buffer, n);
    }
    /* One line per event: a newline inside the info would split it. */
    for (char *nl = memchr(out, '\n', n); nl; nl = memchr(nl, '\n', n - (size_t)(nl - out))) *nl = ' ';
    out[n] = '\n';
    s->len += n + 1;
    s->events++;
    if (s->cap - s->len < s->reserve) s->flush(s->context);
    return 0;
}

static inline int tt_sink_record(struct tep_event *event, struct tep_record *record, int cpu, void *context) {
    struct tt_sink *s = (struct tt_sink *)context;
    tt_sink_record_one(event, record, cpu, context);
    if (++s->since_tick >= 4096) {
        s->since_tick = 0;
        if (s->tick && s->tick(s->context)) return 1;
    }
    return 0;
}

typedef int (*tt_record_callback)(struct tep_event *, struct tep_record *, int, void *);
static inline tt_record_callback tt_sink_callback(void) { return tt_sink_record; }

static inline long tt_drain(struct tt_cpu_reader *reader, struct tt_sink *sink) {
    return tt_cpu_reader_drain(reader, tt_sink_record, sink);
}
#endif
