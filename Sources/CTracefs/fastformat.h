#ifndef CTRACEFS_FASTFORMAT_H
#define CTRACEFS_FASTFORMAT_H
/* Formats a raw record as an ftrace text line without printf: `comm-pid [cpu] flags sec.usec: name: f=v ...`.
   tep_print_event costs ~3 µs an event (vfprintf per field); this costs a fraction of that, and prints every
   field as key=value, which is what tracetui's filters read. */
#include <event-parse.h>
#include <string.h>

#define TT_CACHE_CPUS 256
/* The key of a CPU whose task is not known: never a real pid. A zeroed cache would say "pid 0" (the idle task)
   instead, and name the next idle line after whatever task the entry last held. */
#define TT_NO_TASK (-2147483647 - 1)
struct tt_task_cache {
    int pid[TT_CACHE_CPUS];
    unsigned char len[TT_CACHE_CPUS];
    char comm[TT_CACHE_CPUS][64];
};

/* Forgets every CPU's task (a task was renamed, or the cache is new). */
static inline void tt_task_cache_clear(struct tt_task_cache *c) {
    for (int i = 0; i < TT_CACHE_CPUS; i++) c->pid[i] = TT_NO_TASK;
}

static inline int tt_task_cache_hit(struct tt_task_cache *c, int cpu, int pid) {
    return cpu >= 0 && cpu < TT_CACHE_CPUS && c->pid[cpu] == pid;
}

/* trace_print_lat_fmt's letters. Entry flag bits: 0x01 irqs off, 0x02 need-resched lazy, 0x04 need-resched,
   0x08 hardirq, 0x10 softirq, 0x20 preempt-resched, 0x40 nmi, 0x80 bh off. */
static inline char tt_irqs_off_char(unsigned int flags) {
    int off = flags & 0x01, bh = flags & 0x80;
    return (off && bh) ? 'D' : off ? 'd' : bh ? 'b' : '.';
}

static inline char tt_need_resched_char(unsigned int flags) {
    switch (flags & (0x04 | 0x02 | 0x20)) {
    case 0x04 | 0x02 | 0x20: return 'B';
    case 0x04 | 0x20: return 'N';
    case 0x02 | 0x20: return 'L';
    case 0x04 | 0x02: return 'b';
    case 0x04: return 'n';
    case 0x20: return 'p';
    case 0x02: return 'l';
    default: return '.';
    }
}

static inline char *tt_put(char *o, const char *s, size_t n) { memcpy(o, s, n); return o + n; }
static inline char *tt_puts(char *o, const char *s) { return tt_put(o, s, strlen(s)); }

static inline char *tt_udec(char *o, unsigned long long v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *o++ = tmp[--n];
    return o;
}

static inline char *tt_sdec(char *o, long long v) {
    if (v < 0) { *o++ = '-'; return tt_udec(o, (unsigned long long)(-(v + 1)) + 1); }
    return tt_udec(o, (unsigned long long)v);
}

static inline char *tt_hex(char *o, unsigned long long v) {
    static const char digits[] = "0123456789abcdef";
    char tmp[20];
    int n = 0;
    *o++ = '0'; *o++ = 'x';
    do { tmp[n++] = digits[v & 15]; v >>= 4; } while (v);
    while (n) *o++ = tmp[--n];
    return o;
}

/* Right-aligned in `width` columns (the comm column). */
static inline char *tt_rpad(char *o, const char *s, size_t n, size_t width) {
    while (n < width) { *o++ = ' '; width--; }
    return tt_put(o, s, n);
}

static inline unsigned long long tt_load(const void *p, int size) {
    switch (size) {
    case 1: return *(const unsigned char *)p;
    case 2: { unsigned short v; memcpy(&v, p, 2); return v; }
    case 4: { unsigned int v; memcpy(&v, p, 4); return v; }
    case 8: { unsigned long long v; memcpy(&v, p, 8); return v; }
    default: return 0;
    }
}

static inline long long tt_sign(unsigned long long v, int size) {
    switch (size) {
    case 1: return (signed char)v;
    case 2: return (short)v;
    case 4: return (int)v;
    default: return (long long)v;
    }
}

/* A string field's bytes up to its NUL, spaces kept out so the line stays `key=value` separable. */
static inline char *tt_str(char *o, const char *s, int max) {
    int i = 0;
    for (; i < max && s[i]; i++) *o++ = (s[i] == ' ' || s[i] == '\n') ? '_' : s[i];
    return o;
}

/* The task state letters sched_switch prints (TASK_REPORT bits). */
static inline char *tt_task_state(char *o, unsigned long long state) {
    static const char letters[] = "SDTtXZPI";
    unsigned long long s = state & 0xff;
    if (s == 0) *o++ = 'R';
    for (int b = 0; b < 8; b++) if (s & (1ULL << b)) *o++ = letters[b];
    if (state & 0x100) *o++ = '+';
    return o;
}

/* One field as `name=value` from a record's bytes; the field's layout is passed apart from libtraceevent's
   struct so a viewer can format kept records after the reader's tep handle is gone (lazyrecords.h). */
static inline char *tt_field_raw(char *o, const char *name, size_t name_len, int offset, int size, int elementsize,
                                 unsigned long flags, const unsigned char *data, int datalen, int is_prev_state) {
    o = tt_put(o, name, name_len);
    *o++ = '=';
    if (flags & TEP_FIELD_IS_DYNAMIC) {
        unsigned int v = (unsigned int)tt_load(data + offset, 4);
        int off = (int)(v & 0xffff), len = (int)(v >> 16);
        if (flags & TEP_FIELD_IS_RELATIVE) off += offset + size;
        if (off + len > datalen) return o;
        if (flags & TEP_FIELD_IS_STRING) return tt_str(o, (const char *)data + off, len);
        *o++ = '{';
        for (int i = 0; i < len && i < 64; i++) {
            if (i) *o++ = ',';
            o = tt_hex(o, data[off + i]);
        }
        *o++ = '}';
        return o;
    }
    if (offset + size > datalen) return o;
    if (flags & TEP_FIELD_IS_ARRAY) {
        if (flags & TEP_FIELD_IS_STRING) return tt_str(o, (const char *)data + offset, size);
        int es = elementsize > 0 ? elementsize : 1;
        int n = size / es;
        *o++ = '{';
        for (int i = 0; i < n && i < 64; i++) {
            if (i) *o++ = ',';
            o = tt_hex(o, tt_load(data + offset + i * es, es));
        }
        *o++ = '}';
        return o;
    }
    unsigned long long v = tt_load(data + offset, size);
    if (is_prev_state) return tt_task_state(o, v);
    if (flags & TEP_FIELD_IS_POINTER) return tt_hex(o, v);
    if (flags & TEP_FIELD_IS_SIGNED) return tt_sdec(o, tt_sign(v, size));
    if (size == 8) return tt_hex(o, v);
    return tt_udec(o, v);
}

static inline char *tt_field(char *o, struct tep_format_field *f, size_t name_len, const unsigned char *data,
                             int datalen, int is_prev_state) {
    return tt_field_raw(o, f->name, name_len, f->offset, f->size, (int)f->elementsize, f->flags, data, datalen,
                        is_prev_state);
}

/* The name of the task `pid` last ran as on `cpu` (the cache), else as the tep handle knows it; its length, at
   most 63, in `len`. */
static inline const char *tt_task_comm(struct tep_handle *tep, struct tt_task_cache *cache, int cpu, int pid,
                                       size_t *len) {
    if (tt_task_cache_hit(cache, cpu, pid)) {
        *len = cache->len[cpu];
        return cache->comm[cpu];
    }
    const char *comm = tep_data_comm_from_pid(tep, pid);
    size_t cl = strlen(comm);
    if (cl > 63) cl = 63;
    if (cpu >= 0 && cpu < TT_CACHE_CPUS) {
        cache->pid[cpu] = pid;
        cache->len[cpu] = (unsigned char)cl;
        memcpy(cache->comm[cpu], comm, cl);
    }
    *len = cl;
    return comm;
}

/* `comm-pid [cpu] flags sec.frac: ` from the record's parts; `flags` and `pc` are the entry's flags and preempt
   count bytes. */
static inline char *tt_prefix(char *out, const char *comm, size_t cl, int pid, int cpu, unsigned int flags,
                              unsigned int pc, unsigned long long ts, int nsec) {
    char *o = out;
    o = tt_rpad(o, comm, cl, 16);
    *o++ = '-';
    char *p0 = o;
    o = tt_sdec(o, pid);
    while (o - p0 < 7) *o++ = ' ';
    *o++ = ' '; *o++ = '[';
    *o++ = (char)('0' + cpu / 100 % 10); *o++ = (char)('0' + cpu / 10 % 10); *o++ = (char)('0' + cpu % 10);
    *o++ = ']'; *o++ = ' ';
    /* Latency flags, as the kernel prints them: irqs-off, need-resched, hard/soft irq, preempt depth, migrate. */
    *o++ = tt_irqs_off_char(flags);
    *o++ = tt_need_resched_char(flags);
    int hard = flags & 0x08, soft = flags & 0x10, nmi = flags & 0x40;
    *o++ = (nmi && hard) ? 'Z' : nmi ? 'z' : (hard && soft) ? 'H' : hard ? 'h' : soft ? 's' : '.';
    *o++ = (pc & 0xf) ? "0123456789abcdef"[pc & 0xf] : '.';
    *o++ = ((pc >> 4) & 0xf) ? "0123456789abcdef"[(pc >> 4) & 0xf] : '.';
    *o++ = ' ';
    unsigned long long sec = ts / 1000000000ULL, frac = ts % 1000000000ULL;
    char *t0 = o;
    o = tt_udec(o, sec);
    if (o - t0 < 5) { /* right-align short seconds like %5lu */
        size_t n = (size_t)(o - t0), pad = 5 - n;
        memmove(t0 + pad, t0, n);
        memset(t0, ' ', pad);
        o = t0 + 5;
    }
    *o++ = '.';
    if (!nsec) frac /= 1000;
    for (unsigned long long d = nsec ? 100000000 : 100000; d; d /= 10) *o++ = (char)('0' + frac / d % 10);
    *o++ = ':'; *o++ = ' ';
    return o;
}

/* The columns before the event name, `comm-pid [cpu] flags sec.frac: `; returns their end. `nsec`: nine digits
   of fraction (trace.dat keeps nanoseconds) instead of the six of the kernel's `trace` file. */
static inline char *tt_fast_prefix(struct tep_handle *tep, struct tep_record *record, char *out,
                                   struct tt_task_cache *cache, int nsec) {
    const unsigned char *data = (const unsigned char *)record->data;
    int pid = (int)tt_sign(tt_load(data + 4, 4), 4);  /* common_pid */
    size_t cl;
    const char *comm = tt_task_comm(tep, cache, record->cpu, pid, &cl);
    return tt_prefix(out, comm, cl, pid, record->cpu, data[2], data[3], record->ts, nsec);
}

/* Every field of the event as ` name=value`, after `out`; returns the end. Fields that would not fit in `room`
   bytes from `line` (the line's start) are left out. */
static inline char *tt_fast_fields(struct tep_event *event, struct tep_record *record, char *line, char *out,
                                   size_t room, struct tep_format_field *prev_state) {
    const unsigned char *data = (const unsigned char *)record->data;
    char *o = out;
    for (struct tep_format_field *f = event->format.fields; f; f = f->next) {
        size_t name_len = strlen(f->name);
        if ((size_t)(o - line) + 64 + (size_t)(f->size > 0 ? f->size * 4 : 0) + name_len > room) break;
        *o++ = ' ';
        o = tt_field(o, f, name_len, data, record->size, f == prev_state);
    }
    return o;
}

/* The whole line (no newline); returns its end. `out` must have room for `room` bytes; fields that would not
   fit are left out. */
static inline char *tt_fast_line(struct tep_handle *tep, struct tep_event *event, struct tep_record *record,
                                 char *out, size_t room, struct tep_format_field *prev_state,
                                 struct tt_task_cache *cache) {
    char *o = tt_fast_prefix(tep, record, out, cache, 0);
    o = tt_puts(o, event->name);
    *o++ = ':';
    return tt_fast_fields(event, record, out, o, room, prev_state);
}
#endif
