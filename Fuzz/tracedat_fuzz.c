/* libFuzzer entry for trace.dat through libtracecmd: each input is written to a memfd and read by the same
   CTraceDat code `replay` uses (every record formatted as a text line). Built by Fuzz/run.sh with clang
   -fsanitize=fuzzer,address; libtracecmd itself is not instrumented, so its crashes show as signals, ours in
   full. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "trace_dat.h"

static void discard(void *context, const char *bytes, size_t length) {
    (void)context;
    (void)length;
    free((void *)bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int quiet;
    if (!quiet) {
        tracetui_dat_quiet();
        quiet = 1;
    }
    int fd = memfd_create("trace.dat", 0);
    if (fd < 0) return 0;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct tracetui_dat_text out = {0};
    out.emit = discard;
    out.block = 1 << 16;
    out.next_block = 1 << 16;
    char error[512];
    tracetui_dat_read(path, &out, error, sizeof error);
    tracetui_dat_free(&out);
    close(fd);
    return 0;
}
