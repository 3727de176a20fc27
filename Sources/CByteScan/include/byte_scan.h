#ifndef TRACETUI_BYTE_SCAN_H
#define TRACETUI_BYTE_SCAN_H
/* The C library's vectorised memchr, for the parser's line and column scans: a Swift loop over
   bytes runs several times slower (see Benchmarks/tracetui-bench). */
#include <stddef.h>
#include <string.h>

static inline const unsigned char *tracetui_memchr(const unsigned char *p, unsigned char c, size_t n) {
    return (const unsigned char *)memchr(p, c, n);
}

#endif
