#ifndef CTRACEFS_LATENCY_FIELDS_H
#define CTRACEFS_LATENCY_FIELDS_H
/* The typed values the latency analysis needs of the few events it reads (sched_switch's pids and state, a
   wakeup's pid, a syscall's number and return, an irq's number, a block request's device and sector), taken
   from the record's own bytes while the live reader formats it: the live latency view reads these instead of
   scanning each row's text. Fields are looked up once per event type (tep field offsets), and kept for the
   rows that have them only (sparse: the row's index in `tt_rows`). */
#include <event-parse.h>
#include <stdlib.h>
#include <string.h>
#include "fastformat.h"
#include "lazyrecords.h"

/* What `f0` and `f1` hold, per kind (TraceModel's `TypedFields.Kind` reads the same numbers). */
enum {
    TT_LAT_NONE = 0,
    TT_LAT_SWITCH = 1,   /* f0: prev_pid (low 32 bits) | next_pid << 32; f1: the printed state's first letter,
                            | 0x100 when the next printed letter is `+` (preempted) */
    TT_LAT_WAKEE = 2,    /* f0: pid; f1: 1 when the comm is not empty */
    TT_LAT_RUNTIME = 3,  /* f0: pid; f1: runtime ns */
    TT_LAT_SYSCALL = 4,  /* f0: the syscall number (raw_syscalls `id`); f1: `ret` (sys_exit) */
    TT_LAT_RET = 5,      /* f1: `ret` (sys_exit_NAME) */
    TT_LAT_IRQ = 6,      /* f0: `irq` or `vec` */
    TT_LAT_BLOCK = 7,    /* f0: the kernel's dev_t (low 32 bits) | bytes << 32 (`bytes`, else nr_sector * 512);
                            f1: sector */
};

/* A field as the analysis needs it: where it is in the record, its size and libtraceevent's flags (`ok` 0: absent). */
struct tt_lat_f {
    int offset, size, ok;
    unsigned long flags;
};

struct tt_lat_type {
    unsigned char kind;
    struct tt_lat_f a, b, c, d;
    /* The bytes of record data the found fields span (tt_lat_resolve): one compare a record, not four. */
    int need;
};

struct tt_lat {
    /* 0: keep nothing (the live viewer until its latency view first opens: the passes read those rows' text).
       A plain int, written and read by the reader's thread only: the UI asks through an atomic the reader copies
       in here between records (RawEventReader, `LatencyCaptureSwitch`). */
    int on;
    unsigned int *row;       /* the row's index among the sink's rows */
    unsigned char *kind;
    long long *f0, *f1;
    size_t count, cap;
    int failed;
    /* Per event id (below TT_EVENT_CACHE): the fields resolved, made on first use. */
    struct tt_lat_type *types;
    unsigned char *known;
};

static inline void tt_lat_free(struct tt_lat *l) {
    free(l->row); free(l->kind); free(l->f0); free(l->f1); free(l->types); free(l->known);
    memset(l, 0, sizeof *l);
}

static inline int tt_lat_grow(struct tt_lat *l) {
    if (l->count < l->cap) return 1;
    size_t cap = l->cap ? l->cap * 2 : 65536;
#define TT_LGROW(field) do { void *p = realloc(l->field, cap * sizeof *l->field); if (!p) return 0; \
                             l->field = p; } while (0)
    TT_LGROW(row); TT_LGROW(kind); TT_LGROW(f0); TT_LGROW(f1);
#undef TT_LGROW
    l->cap = cap;
    return 1;
}

/* Finds a field of an event type by name (libtraceevent's event, or a kept layout: see below). */
typedef int (*tt_lat_find)(const void *type, const char *name, struct tt_lat_f *out);

static inline int tt_lat_find_tep(const void *type, const char *name, struct tt_lat_f *out) {
    struct tep_format_field *f = tep_find_field((struct tep_event *)type, name);
    if (!f) return 0;
    out->offset = f->offset; out->size = f->size; out->flags = f->flags; out->ok = 1;
    return 1;
}

static inline struct tt_lat_f tt_lat_numeric(tt_lat_find find, const void *type, const char *name) {
    struct tt_lat_f f = {0};
    if (!find(type, name, &f) || (f.flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)) || f.size <= 0 || f.size > 8)
        memset(&f, 0, sizeof f);
    return f;
}

/* The kind of an event type named `n` and its fields, by name as the analysis names kinds (any system). */
static inline void tt_lat_resolve(const char *n, tt_lat_find find, const void *e, struct tt_lat_type *t) {
    memset(t, 0, sizeof *t);
    if (!n) return;
    if (strcmp(n, "sched_switch") == 0) {
        t->a = tt_lat_numeric(find, e, "prev_pid"); t->b = tt_lat_numeric(find, e, "next_pid");
        t->c = tt_lat_numeric(find, e, "prev_state");
        if (t->a.ok && t->b.ok && t->c.ok) t->kind = TT_LAT_SWITCH;
    } else if (strcmp(n, "sched_waking") == 0 || strcmp(n, "sched_wakeup") == 0 || strcmp(n, "sched_wakeup_new") == 0) {
        t->a = tt_lat_numeric(find, e, "pid");
        find(e, "comm", &t->b);
        if (t->a.ok && t->b.ok && (t->b.flags & TEP_FIELD_IS_ARRAY) && !(t->b.flags & TEP_FIELD_IS_DYNAMIC))
            t->kind = TT_LAT_WAKEE;
    } else if (strcmp(n, "sched_stat_runtime") == 0) {
        t->a = tt_lat_numeric(find, e, "pid"); t->b = tt_lat_numeric(find, e, "runtime");
        if (t->a.ok && t->b.ok) t->kind = TT_LAT_RUNTIME;
    } else if (strcmp(n, "sys_enter") == 0 || strcmp(n, "sys_exit") == 0) {
        t->a = tt_lat_numeric(find, e, "id");
        if (n[5] == 'x') t->b = tt_lat_numeric(find, e, "ret");
        if (t->a.ok && (n[5] == 'n' || t->b.ok)) t->kind = TT_LAT_SYSCALL;
    } else if (strncmp(n, "sys_exit_", 9) == 0) {
        t->b = tt_lat_numeric(find, e, "ret");
        if (t->b.ok) t->kind = TT_LAT_RET;
    } else if (strcmp(n, "irq_handler_entry") == 0 || strcmp(n, "irq_handler_exit") == 0) {
        t->a = tt_lat_numeric(find, e, "irq");
        if (t->a.ok) t->kind = TT_LAT_IRQ;
    } else if (strcmp(n, "softirq_entry") == 0 || strcmp(n, "softirq_exit") == 0) {
        t->a = tt_lat_numeric(find, e, "vec");
        if (t->a.ok) t->kind = TT_LAT_IRQ;
    } else if (strcmp(n, "block_rq_issue") == 0 || strcmp(n, "block_rq_insert") == 0 ||
               strcmp(n, "block_rq_complete") == 0) {
        t->a = tt_lat_numeric(find, e, "dev"); t->b = tt_lat_numeric(find, e, "sector");
        t->c = tt_lat_numeric(find, e, "nr_sector"); t->d = tt_lat_numeric(find, e, "bytes");
        if (t->a.ok && t->b.ok && t->c.ok) t->kind = TT_LAT_BLOCK;
    }
    const struct tt_lat_f *fs[4] = { &t->a, &t->b, &t->c, &t->d };
    for (int k = 0; k < 4; k++)
        if (fs[k]->ok && fs[k]->offset + fs[k]->size > t->need) t->need = fs[k]->offset + fs[k]->size;
}

/* A numeric field as the formatter prints it: signed fields sign-extended. */
static inline long long tt_lat_value(const struct tt_lat_f *f, const unsigned char *data) {
    unsigned long long v = tt_load(data + f->offset, f->size);
    return (f->flags & TEP_FIELD_IS_SIGNED) ? tt_sign(v, f->size) : (long long)v;
}

/* The typed values of a record of type `t` (its data: `size` bytes at `data`); 0 when it has none. */
static inline int tt_lat_compute(const struct tt_lat_type *t, const unsigned char *data, int size,
                                 long long *f0_out, long long *f1_out) {
    if (t->kind == TT_LAT_NONE) return 0;
    if (t->need > size) return 0;
    long long f0 = 0, f1 = 0;
    switch (t->kind) {
    case TT_LAT_SWITCH: {
        char state[16], *e = tt_task_state(state, tt_load(data + t->c.offset, t->c.size));
        long long first = e > state ? (unsigned char)state[0] : 0;
        long long plus = e - state > 1 && state[1] == '+' ? 0x100 : 0;
        f0 = (long long)((unsigned long long)(unsigned int)tt_lat_value(&t->a, data) |
                         (unsigned long long)(unsigned int)tt_lat_value(&t->b, data) << 32);
        f1 = first | plus;
        break;
    }
    case TT_LAT_WAKEE:
        f0 = tt_lat_value(&t->a, data);
        f1 = t->b.offset + t->b.size <= size && t->b.size > 0 && data[t->b.offset] != 0;
        break;
    case TT_LAT_RUNTIME: f0 = tt_lat_value(&t->a, data); f1 = tt_lat_value(&t->b, data); break;
    case TT_LAT_SYSCALL: f0 = tt_lat_value(&t->a, data); f1 = t->b.ok ? tt_lat_value(&t->b, data) : 0; break;
    case TT_LAT_RET: f1 = tt_lat_value(&t->b, data); break;
    case TT_LAT_IRQ: f0 = tt_lat_value(&t->a, data); break;
    case TT_LAT_BLOCK: {
        unsigned long long dev = (unsigned long long)tt_lat_value(&t->a, data) & 0xffffffffULL;
        unsigned long long bytes = (unsigned long long)(t->d.ok ? tt_lat_value(&t->d, data) : tt_lat_value(&t->c, data) * 512);
        f0 = (long long)(dev | (bytes & 0xffffffffULL) << 32);
        f1 = tt_lat_value(&t->b, data);
        break;
    }
    }
    *f0_out = f0;
    *f1_out = f1;
    return 1;
}

/* Keeps the typed values of `record` (the sink's row `row`) when its type is one the analysis reads. */
static inline void tt_lat_note(struct tt_lat *l, struct tep_event *event, struct tep_record *record, size_t row) {
    if (!l->on) return;
    int id = event->id;
    if (id < 0 || id >= TT_EVENT_CACHE || l->failed) return;
    if (!l->types) {
        l->types = calloc(TT_EVENT_CACHE, sizeof *l->types);
        l->known = calloc(TT_EVENT_CACHE, 1);
        if (!l->types || !l->known) { l->failed = 1; return; }
    }
    struct tt_lat_type *t = &l->types[id];
    if (!l->known[id]) { tt_lat_resolve(event->name, tt_lat_find_tep, event, t); l->known[id] = 1; }
    if (t->kind == TT_LAT_NONE) return;
    long long f0, f1;
    if (!tt_lat_compute(t, (const unsigned char *)record->data, record->size, &f0, &f1)) return;
    if (!tt_lat_grow(l)) { l->failed = 1; return; }
    size_t k = l->count++;
    l->row[k] = (unsigned int)row;
    l->kind[k] = t->kind;
    l->f0[k] = f0; l->f1[k] = f1;
}

/* The same values of a kept record (lazyrecords.h), for rows read before the latency view asked for them: from
   the layouts copied when the reader started, so any thread can take them (as it can make the record's line, at
   about a hundredth of the cost). */
static inline int tt_lat_find_kept(const void *type, const char *name, struct tt_lat_f *out) {
    const struct tt_kept_type *k = type;
    for (int i = 0; i < k->nfields; i++) {
        if (strcmp(k->fields[i].name, name) != 0) continue;
        out->offset = k->fields[i].offset; out->size = k->fields[i].size; out->flags = k->fields[i].flags; out->ok = 1;
        return 1;
    }
    return 0;
}

/* Every kept type's kinds and fields, resolved once (read-only after: shared by every thread). */
static inline struct tt_lat_type *tt_kept_lat_new(const struct tt_kept_types *t) {
    struct tt_lat_type *out = calloc(t && t->count > 0 ? (size_t)t->count : 1, sizeof *out);
    if (!out || !t) return out;
    for (int id = 0; id < t->count; id++)
        if (t->by_id[id].name) tt_lat_resolve(t->by_id[id].name, tt_lat_find_kept, &t->by_id[id], &out[id]);
    return out;
}

/* The kind (0: none) and values of the kept record at `p`. */
static inline unsigned char tt_kept_lat_values(const struct tt_kept_types *t, const struct tt_lat_type *lat,
                                               const void *p, long long *f0, long long *f1) {
    struct tt_kept_header h;
    memcpy(&h, p, sizeof h);
    if (!tt_kept_type_known(t, h.type)) return 0;
    const unsigned char *data = (const unsigned char *)p + sizeof h + h.comm_len;
    return tt_lat_compute(&lat[h.type], data, h.size, f0, f1) ? lat[h.type].kind : 0;
}

/* Rows at once: row i's record is at base + (offsets[i] & ~kept_flag) when its offset has `kept_flag`
   (EventChunk.keptRow); every row's kind (0: none) and values are written. Returns how many rows have a kind. */
static inline long tt_kept_lat_rows(const struct tt_kept_types *t, const struct tt_lat_type *lat,
                                    const unsigned char *base, const unsigned int *offsets, long count,
                                    unsigned int kept_flag, unsigned char *kinds, long long *f0, long long *f1) {
    long found = 0;
    for (long i = 0; i < count; i++) {
        /* The records are read a second or more after the reader wrote them: from memory, not cache. Asking for
           one 16 rows ahead hides most of that wait (the two loads that missed took a third of this loop). */
        if (i + 16 < count && (offsets[i + 16] & kept_flag)) {
            const unsigned char *ahead = base + (offsets[i + 16] & ~kept_flag);
            __builtin_prefetch(ahead);
            __builtin_prefetch(ahead + 64);
        }
        kinds[i] = 0; f0[i] = 0; f1[i] = 0;
        if (!(offsets[i] & kept_flag)) continue;
        kinds[i] = tt_kept_lat_values(t, lat, base + (offsets[i] & ~kept_flag), &f0[i], &f1[i]);
        found += kinds[i] != 0;
    }
    return found;
}
#endif
