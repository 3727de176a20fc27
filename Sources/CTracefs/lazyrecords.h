#ifndef CTRACEFS_LAZYRECORDS_H
#define CTRACEFS_LAZYRECORDS_H
/* The live viewer keeps each record's bytes in its block, not its text line: formatting every record cost more
   than reading it, and only the rows drawn, searched or saved are ever read as text. A kept record is
   [tt_kept_header][comm bytes][record data], unaligned, with no newline; `tt_kept_format` makes its line later,
   the same bytes the sink's fast formatter writes (fastformat.h). The layouts of the event types are copied out
   of libtraceevent (`tt_kept_types`), so a line can be made on any thread, after the reader and its tep handle
   are gone. */
#include <event-parse.h>
#include <stdlib.h>
#include <string.h>
#include "fastformat.h"

/* A line at most this long is made of any kept record: prefix, name and every field within the fast
   formatter's room (`room` below). */
#define TT_KEPT_ROOM (256 * 1024)

struct tt_kept_header {
    unsigned short type;     /* the tep event id */
    unsigned short size;     /* bytes of record data after the comm */
    unsigned short cpu;
    unsigned char comm_len;
    unsigned char pad;
    long long ts;            /* nanoseconds */
};

struct tt_kept_field {
    char *name;
    size_t name_len;
    int offset, size, elementsize;
    unsigned long flags;
    int is_prev_state;
};

struct tt_kept_type {
    char *name;              /* NULL: no event type has this id, or its records are formatted at once */
    size_t name_len;
    int nfields;
    struct tt_kept_field *fields;
};

struct tt_kept_types {
    int count;
    struct tt_kept_type *by_id;
};

static inline void tt_kept_types_free(struct tt_kept_types *t) {
    if (!t) return;
    for (int i = 0; i < t->count; i++) {
        free(t->by_id[i].name);
        for (int f = 0; f < t->by_id[i].nfields; f++) free(t->by_id[i].fields[f].name);
        free(t->by_id[i].fields);
    }
    free(t->by_id);
    free(t);
}

/* The event types whose records may be kept: those the fast formatter prints (not ftrace's own events, whose
   lines only libtraceevent can make), with ids below `limit`. */
static inline struct tt_kept_types *tt_kept_types_new(struct tep_handle *tep, int limit) {
    struct tt_kept_types *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    int n = tep ? tep_get_events_count(tep) : 0, max = -1;
    for (int k = 0; k < n; k++) {
        struct tep_event *e = tep_get_event(tep, k);
        if (e && e->id > max && e->id < limit) max = e->id;
    }
    t->count = max + 1;
    t->by_id = t->count ? calloc((size_t)t->count, sizeof *t->by_id) : NULL;
    if (t->count && !t->by_id) { free(t); return NULL; }
    for (int k = 0; k < n; k++) {
        struct tep_event *e = tep_get_event(tep, k);
        if (!e || e->id < 0 || e->id >= t->count) continue;
        if ((e->flags & TEP_EVENT_FL_ISFTRACE) || strcmp(e->system, "ftrace") == 0) continue;
        struct tt_kept_type *k_ = &t->by_id[e->id];
        int nf = 0;
        for (struct tep_format_field *f = e->format.fields; f; f = f->next) nf++;
        k_->fields = nf ? calloc((size_t)nf, sizeof *k_->fields) : NULL;
        k_->name = strdup(e->name);
        if ((nf && !k_->fields) || !k_->name) { free(k_->fields); free(k_->name); k_->fields = NULL; k_->name = NULL; continue; }
        k_->name_len = strlen(e->name);
        int i = 0, ok = 1;
        for (struct tep_format_field *f = e->format.fields; f; f = f->next, i++) {
            struct tt_kept_field *c = &k_->fields[i];
            c->name = strdup(f->name);
            if (!c->name) ok = 0;
            c->name_len = c->name ? strlen(c->name) : 0;
            c->offset = f->offset; c->size = f->size; c->elementsize = (int)f->elementsize; c->flags = f->flags;
            c->is_prev_state = strcmp(e->name, "sched_switch") == 0 && strcmp(f->name, "prev_state") == 0;
        }
        k_->nfields = nf;
        if (!ok) { for (int f = 0; f < nf; f++) free(k_->fields[f].name); free(k_->fields); free(k_->name);
                   memset(k_, 0, sizeof *k_); }
    }
    return t;
}

static inline int tt_kept_type_known(const struct tt_kept_types *t, int id) {
    return t && id >= 0 && id < t->count && t->by_id[id].name;
}

/* Bytes a kept record takes in the block. */
static inline size_t tt_kept_size(size_t comm_len, size_t data_size) {
    return sizeof(struct tt_kept_header) + comm_len + data_size;
}

/* Writes the record at `out` (room for `tt_kept_size`); returns the bytes written. */
static inline size_t tt_kept_write(char *out, int type, const struct tep_record *record, const char *comm,
                                   size_t comm_len) {
    struct tt_kept_header h;
    h.type = (unsigned short)type;
    h.size = (unsigned short)(record->size > 0 && record->size < 0xFFFF ? record->size : 0);
    h.cpu = (unsigned short)(record->cpu >= 0 && record->cpu < 0xFFFF ? record->cpu : 0);
    h.comm_len = (unsigned char)(comm_len < 255 ? comm_len : 255);
    h.pad = 0;
    h.ts = (long long)record->ts;
    memcpy(out, &h, sizeof h);
    memcpy(out + sizeof h, comm, h.comm_len);
    memcpy(out + sizeof h + h.comm_len, record->data, h.size);
    return sizeof h + h.comm_len + h.size;
}

/* Bytes of the kept record at `p` (header included). */
static inline size_t tt_kept_length(const void *p) {
    struct tt_kept_header h;
    memcpy(&h, p, sizeof h);
    return sizeof h + h.comm_len + h.size;
}

/* At least as many bytes as `tt_kept_format` writes for the kept record at `p` (at most TT_KEPT_ROOM), so its
   line can go straight into a page with that much room. */
static inline size_t tt_kept_bound(const struct tt_kept_types *t, const void *p) {
    struct tt_kept_header h;
    memcpy(&h, p, sizeof h);
    /* comm (right-aligned in 16, up to 255), pid, cpu, flags, up to 20 digits of seconds, six of fraction */
    size_t n = 400;
    if (!tt_kept_type_known(t, h.type)) return n;
    const struct tt_kept_type *k = &t->by_id[h.type];
    n += k->name_len + 1;
    for (int i = 0; i < k->nfields; i++) {
        const struct tt_kept_field *f = &k->fields[i];
        size_t value;
        if (f->flags & TEP_FIELD_IS_DYNAMIC) value = (f->flags & TEP_FIELD_IS_STRING) ? h.size : 2 + 64 * 5;
        else if (f->flags & TEP_FIELD_IS_ARRAY) value = (f->flags & TEP_FIELD_IS_STRING) ? (size_t)f->size : 2 + 64 * 19;
        else value = 24;
        n += 2 + f->name_len + value;
        if (n >= TT_KEPT_ROOM) return TT_KEPT_ROOM;
    }
    return n;
}


/* The line of the kept record at `p` into `out` (room for TT_KEPT_ROOM bytes), no newline; its length, and in
   `payload` where the fields start (after `name: `), as the sink's rows say. */
static inline size_t tt_kept_format(const struct tt_kept_types *t, const void *p, char *out, size_t *payload) {
    struct tt_kept_header h;
    memcpy(&h, p, sizeof h);
    const char *comm = (const char *)p + sizeof h;
    const unsigned char *data = (const unsigned char *)comm + h.comm_len;
    int pid = h.size >= 8 ? (int)tt_sign(tt_load(data + 4, 4), 4) : 0;
    unsigned int flags = h.size >= 4 ? data[2] : 0, pc = h.size >= 4 ? data[3] : 0;
    char *o = tt_prefix(out, comm, h.comm_len, pid, h.cpu, flags, pc, (unsigned long long)h.ts, 0);
    if (!tt_kept_type_known(t, h.type)) {
        *payload = (size_t)(o - out);
        return (size_t)(o - out);
    }
    const struct tt_kept_type *k = &t->by_id[h.type];
    o = tt_put(o, k->name, k->name_len);
    *o++ = ':';
    size_t colon_end = (size_t)(o - out);
    /* The sink's room: its reserve less the newline and one byte. */
    size_t room = TT_KEPT_ROOM - 2;
    for (int i = 0; i < k->nfields; i++) {
        const struct tt_kept_field *f = &k->fields[i];
        if ((size_t)(o - out) + 64 + (size_t)(f->size > 0 ? f->size * 4 : 0) + f->name_len > room) break;
        *o++ = ' ';
        o = tt_field_raw(o, f->name, f->name_len, f->offset, f->size, f->elementsize, f->flags, data, h.size,
                         f->is_prev_state);
    }
    size_t n = (size_t)(o - out);
    *payload = n > colon_end ? colon_end + 1 : colon_end;
    return n;
}

/* The line the sink's formatter (tt_fast_line, through the tep handle) writes for the kept record at `p`, with
   the task name the record kept: what the reader would have written had it formatted the record at once. The
   check of tt_kept_format's copied layouts; 0 when the tep handle does not know the type. */
static inline size_t tt_kept_reference_line(struct tep_handle *tep, const void *p, char *out) {
    struct tt_kept_header h;
    memcpy(&h, p, sizeof h);
    struct tep_event *event = tep_find_event(tep, h.type);
    struct tt_task_cache *cache = malloc(sizeof *cache);
    if (!event || !cache || h.cpu >= TT_CACHE_CPUS || h.size < 8) { free(cache); return 0; }
    const char *comm = (const char *)p + sizeof h;
    struct tep_record record;
    memset(&record, 0, sizeof record);
    record.ts = (unsigned long long)h.ts;
    record.cpu = h.cpu;
    record.size = h.size;
    record.data = (void *)(comm + h.comm_len);
    tt_task_cache_clear(cache);
    cache->pid[h.cpu] = (int)tt_sign(tt_load((const unsigned char *)record.data + 4, 4), 4);
    cache->len[h.cpu] = h.comm_len;
    memcpy(cache->comm[h.cpu], comm, h.comm_len);
    struct tep_format_field *prev_state = strcmp(event->name, "sched_switch") == 0
                                              ? tep_find_field(event, "prev_state") : NULL;
    char *end = tt_fast_line(tep, event, &record, out, TT_KEPT_ROOM - 2, prev_state, cache);
    free(cache);
    return (size_t)(end - out);
}
#endif
