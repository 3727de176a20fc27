#ifndef CTRACEFS_ROWS_H
#define CTRACEFS_ROWS_H
/* The store's columns of each record, written while the record is formatted: the live viewer appends them
   as they are instead of parsing the line back (the parse cost more than the formatting). */
#include <stdlib.h>
#include <string.h>

/* A row whose line (or lines: a stack trace) the text parser must read: ftrace's own events, lost markers. */
#define TT_ROW_TEXT 0xFFFF
/* The payload column of a record kept as bytes (lazyrecords.h): a formatted line's fields never start at 0. */
#define TT_ROW_KEPT 0

struct tt_rows {
    unsigned int *offset;     /* the line's start in the block */
    long long *ts;            /* nanoseconds */
    int *pid;
    unsigned short *event;    /* the tep event id, or TT_ROW_TEXT */
    unsigned short *cpu;
    unsigned short *flags;    /* packed as TraceModel's EventFlags */
    unsigned short *payload;  /* where the fields start in the line */
    unsigned char *comm_len;  /* the comm ends at column 16 (or starts at 0 when longer) */
    size_t count, cap;
    /* Memory ran out for a row: the range is parsed from its text instead. */
    int failed;
};

static inline void tt_rows_free(struct tt_rows *r) {
    free(r->offset); free(r->ts); free(r->pid); free(r->event); free(r->cpu); free(r->flags); free(r->payload);
    free(r->comm_len);
    memset(r, 0, sizeof *r);
}

/* Room for one more row; 0 when memory ran out (the row is then parsed from its text). */
static inline int tt_rows_grow(struct tt_rows *r) {
    if (r->count < r->cap) return 1;
    size_t cap = r->cap ? r->cap * 2 : 65536;
#define TT_GROW(field) do { void *p = realloc(r->field, cap * sizeof *r->field); if (!p) return 0; \
                            r->field = p; } while (0)
    TT_GROW(offset); TT_GROW(ts); TT_GROW(pid); TT_GROW(event); TT_GROW(cpu); TT_GROW(flags); TT_GROW(payload);
    TT_GROW(comm_len);
#undef TT_GROW
    r->cap = cap;
    return 1;
}

/* The entry's flags byte and preempt count as EventFlags packs the printed `dNh2.` column: irqs-off 0-2,
   need-resched 3-5, context 6-8, preempt depth 9-12, migrate-disable 13-15. The letters are the ones the
   formatter prints, so the packed value equals what the text parser makes of the line. */
static inline unsigned short tt_pack_flags(unsigned int flags, unsigned int pc) {
    unsigned short irq, resched, ctx;
    switch (tt_irqs_off_char(flags)) { case 'd': irq = 1; break; case 'D': irq = 2; break; case 'b': irq = 3; break;
                                       default: irq = 0; }
    switch (tt_need_resched_char(flags)) {
    case 'N': resched = 1; break; case 'n': resched = 2; break; case 'p': resched = 3; break;
    case 'L': resched = 4; break; case 'B': resched = 5; break; case 'l': resched = 6; break;
    case 'b': resched = 7; break; default: resched = 0;
    }
    int hard = flags & 0x08, soft = flags & 0x10, nmi = flags & 0x40;
    ctx = (nmi && hard) ? 5 : nmi ? 4 : (hard && soft) ? 3 : hard ? 1 : soft ? 2 : 0;
    unsigned short depth = pc & 0xf, migrate = (pc >> 4) & 0xf;
    if (migrate > 7) migrate = 7;
    return (unsigned short)(irq | resched << 3 | ctx << 6 | depth << 9 | migrate << 13);
}

static inline void tt_rows_add(struct tt_rows *r, size_t offset, long long ts, int pid, int event, int cpu,
                               unsigned short flags, size_t payload, size_t comm_len) {
    if (!tt_rows_grow(r)) { r->failed = 1; return; }
    size_t k = r->count++;
    r->offset[k] = (unsigned int)offset;
    r->ts[k] = ts;
    r->pid[k] = pid;
    r->event[k] = (unsigned short)event;
    r->cpu[k] = (unsigned short)(cpu >= 0 && cpu < 0xFFFF ? cpu : 0xFFFF);
    r->flags[k] = flags;
    r->payload[k] = (unsigned short)(payload < 0xFFFF ? payload : 0xFFFF);
    r->comm_len[k] = (unsigned char)(comm_len < 255 ? comm_len : 255);
}

/* A span of text lines starting at `offset`, for the text parser. Consecutive spans are one. */
static inline void tt_rows_add_text(struct tt_rows *r, size_t offset) {
    if (r->count && r->event[r->count - 1] == TT_ROW_TEXT) return;
    tt_rows_add(r, offset, 0, 0, TT_ROW_TEXT, -1, 0xFFFF, 0, 0);
}
#endif
