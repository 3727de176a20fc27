#ifndef CTRACEFS_PAGE_COPY_H
#define CTRACEFS_PAGE_COPY_H
/* Copies the per-CPU ring-buffer pages, unchanged, to one file per CPU: the flyrecord data of a trace.dat.
   Nothing is decoded but the count of records (and which event ids occur, so the file carries their formats):
   the kernel's page is the file's page. */
#include "cpu_reader.h"
#include <string.h>

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

/* Reads up to `max_pages` pages from each CPU (fewer when its buffer empties: a CPU refilled as fast as it
   is read must not keep the others waiting) and appends each whole page to `fds[i]` (the reader's i-th CPU).
   Returns the pages copied; stops at the first write error (in `totals->error`). */
static inline long tt_cpu_reader_copy_pages(struct tt_cpu_reader *r, const int *fds, int max_pages,
                                            struct tt_seen_ids *seen, struct tt_page_totals *totals) {
    long copied = 0;
    for (int i = 0; i < r->count; i++) {
        struct tt_cpu_stream *c = &r->cpus[i];
        int size = tracefs_cpu_read_size(c->tcpu);
        for (int k = 0; k < max_pages; k++) {
            int n = tracefs_cpu_read(c->tcpu, c->page, true);
            if (n <= 0) break;
            /* A short read is still one page in the file: readers go by the page header's length. */
            if (n < size) memset((char *)c->page + n, 0, (size_t)(size - n));
            int e = tt_write_all(fds[i], c->page, (size_t)size);
            if (e) {
                totals->error = e;
                return copied;
            }
            copied++;
            totals->pages++;
            if (kbuffer_load_subbuffer(c->kbuf, c->page) < 0) continue;
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
    }
    return copied;
}
#endif
