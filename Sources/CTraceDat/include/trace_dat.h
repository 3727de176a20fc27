#ifndef TRACETUI_TRACE_DAT_H
#define TRACETUI_TRACE_DAT_H
/* trace.dat records as ftrace text lines, one per record, in time order across CPUs and buffer instances:
   `comm-pid [cpu] flags sec.nsec: event: fields`. Plain C types only: libtracecmd's headers stay inside
   trace_dat.c (their <regex.h> under _GNU_SOURCE would clash with Swift's Glibc module). */
#include <stddef.h>

struct tracetui_dat_text {
    char *bytes;
    size_t length;
    size_t capacity;
    unsigned long long records;
    int failed;
    /* When set, called with the text so far each time it reaches `block` bytes (whole lines): the caller
       owns `bytes` from then on (free() it) and parses it while the next blocks are decoded. */
    void (*emit)(void *context, const char *bytes, size_t length);
    void *context;
    size_t block;
    /* The block size after the first (a small first block shows the first screen early). */
    size_t next_block;
};

/* Reads every record of `path` (the top buffer and each instance) into `out`. Returns 0, or -1 with a reason in
   `error`. The caller's emit, context and block sizes are kept; the caller frees with tracetui_dat_free. */
int tracetui_dat_read(const char *path, struct tracetui_dat_text *out, char *error, size_t error_size);

void tracetui_dat_free(struct tracetui_dat_text *out);

/* libtracecmd's warnings off: a damaged file is reported through `error`. */
void tracetui_dat_quiet(void);
#endif
