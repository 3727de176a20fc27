#ifndef CTRACEFS_PAGE_COPY_H
#define CTRACEFS_PAGE_COPY_H
/* Copies the per-CPU ring-buffer pages, unchanged, to one file per CPU: the flyrecord data of a trace.dat.
   Nothing is decoded but the count of records (and which event ids occur, so the file carries their formats):
   the kernel's page is the file's page. */
#include "cpu_reader.h"
#include <string.h>
#include <sys/syscall.h>

struct tt_page_totals {
    unsigned long long pages;
    unsigned long long events;
    unsigned long long missed;
    /* The first write error's errno (0: none). */
    int error;
};

/* Ids below TT_EVENT_CACHE seen in the pages copied (one byte each: set to 1). */
struct tt_seen_ids {
    unsigned char ids[TT_EVENT_CACHE];
};

static inline int tt_write_all(int fd, const void *bytes, size_t length) {
    const char *p = bytes;
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

/* Counts one page's records and notes their event ids. */
static inline void tt_page_count(struct tt_cpu_stream *c, void *page, struct tt_seen_ids *seen,
                                 struct tt_page_totals *totals) {
    totals->pages++;
    if (kbuffer_load_subbuffer(c->kbuf, page) < 0) return;
    int missed = kbuffer_missed_events(c->kbuf);
    if (missed) totals->missed += missed < 0 ? 1 : (unsigned long long)missed;
    unsigned long long ts;
    for (void *data = kbuffer_read_event(c->kbuf, &ts); data; data = kbuffer_next_event(c->kbuf, &ts)) {
        totals->events++;
        /* common_type: the first field of every event, 16 bits. */
        unsigned short id;
        memcpy(&id, data, sizeof id);
        if (id < TT_EVENT_CACHE) seen->ids[id] = 1;
    }
}

/* Appends each CPU's full pages (one splice batch per CPU and call, so a CPU refilled as fast as it is read does
   not keep the others waiting) whole to `fds[i]` (the reader's i-th CPU) in one write. With `final` (tracing
   has stopped) pages still being written are read too: call until it returns 0. Before
   the end a page in part is left in the kernel until it fills: read(2) of one took the few records written
   since the last, a page in the file each. Returns the pages copied; stops at the first write error (in
   `totals->error`). */
static inline long tt_cpu_reader_copy_pages(struct tt_cpu_reader *r, const int *fds, int final,
                                            struct tt_seen_ids *seen, struct tt_page_totals *totals) {
    long copied = 0;
    tt_cpu_reader_begin(r);
    for (int i = 0; i < r->count; i++) {
        struct tt_cpu_stream *c = &r->cpus[i];
        char *page = tt_cpu_next_page(c, &r->reads, &r->full_pages, final ? 2 : 0);
        if (!page) continue;
        size_t bytes = (size_t)c->size;
        if (page != (char *)c->page) {
            /* The first page of a splice batch: the rest of the batch goes with it. */
            int more = (c->batch_len - c->batch_off) / c->size;
            c->batch_off = c->batch_len;
            c->full_pages += (unsigned long long)more;
            r->full_pages += (unsigned long long)more;
            bytes += (size_t)more * (size_t)c->size;
        }
        for (size_t off = 0; off < bytes; off += (size_t)c->size) {
            tt_page_count(c, page + off, seen, totals);
            copied++;
        }
        int e = tt_write_all(fds[i], page, bytes);
        if (e) {
            totals->error = e;
            return copied;
        }
    }
    return copied;
}

/* Appends `length` bytes of `in` from offset 0 to `out`: in the kernel where it can (copy_file_range, no copy
   through user memory), else, from where that stopped, through a buffer. Returns 0 or the errno. */
static inline int tt_copy_file(int in, int out, long long length) {
    long long offset = 0;
    while (offset < length) {
        long long at = offset;
        long n = syscall(SYS_copy_file_range, in, &at, out, NULL, (size_t)(length - offset), 0u);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        offset += n;
    }
    if (offset == length) return 0;
    size_t size = 4u << 20;
    char *buffer = malloc(size);
    if (!buffer) return ENOMEM;
    while (offset < length) {
        size_t want = (size_t)(length - offset) < size ? (size_t)(length - offset) : size;
        ssize_t n = pread(in, buffer, want, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { free(buffer); return n < 0 ? errno : EIO; }
        int e = tt_write_all(out, buffer, (size_t)n);
        if (e) { free(buffer); return e; }
        offset += n;
    }
    free(buffer);
    return 0;
}
#endif
