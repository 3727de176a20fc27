#include <zlib.h>

/* inflateInit2 is a macro (it passes the library's version and struct size): a function Swift can call. */
static inline int tracetui_inflate_init_gzip(z_streamp stream) {
    /* 15 + 32: the largest window, and accept a gzip or zlib header. */
    return inflateInit2(stream, 15 + 32);
}

/* deflateInit2 is a macro too: gzip output (window 15 + 16 asks for a gzip header), for pprof files. */
static inline int tracetui_deflate_init_gzip(z_streamp stream) {
    return deflateInit2(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
