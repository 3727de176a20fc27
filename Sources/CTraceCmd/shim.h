#ifndef TRACETUI_CTRACECMD_SHIM_H
#define TRACETUI_CTRACECMD_SHIM_H
/* No _GNU_SOURCE here: <regex.h> and <sys/select.h>, reached through these headers, would then define
   their structs differently from the Glibc module Swift already built, and clang refuses the mismatch. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <trace-cmd.h>
#include <event-parse.h>
#include <trace-seq.h>

/* Exported by libtracecmd but left out of its public header. */
int tracecmd_cpus(struct tracecmd_input *handle);

/*
 * trace.dat records as ftrace text lines, one per record, in time order across CPUs and buffer instances:
 * `comm-pid [cpu] flags sec.nsec: event: fields`, the fields printed by libtraceevent from the file's own
 * event formats (and its plugins: function, function_graph, sched). tep_print_event is variadic, which
 * Swift cannot call: the formatting lives here.
 */
struct tracetui_dat_text {
    char *bytes;
    size_t length;
    size_t capacity;
    unsigned long long records;
    struct trace_seq seq;
    int failed;
    /* When set, called with the text so far each time it reaches `block` bytes (whole lines), then emptied:
       the caller parses blocks while the next ones are decoded. */
    void (*emit)(void *context, const char *bytes, size_t length);
    void *context;
    size_t block;
    /* The block size after the first (a small first block shows the first screen early). */
    size_t next_block;
};

static inline int tracetui_dat_append(struct tracetui_dat_text *out, const char *p, size_t n) {
    if (out->length + n > out->capacity) {
        size_t cap = out->capacity ? out->capacity : (1 << 20);
        while (out->length + n > cap) cap *= 2;
        char *grown = realloc(out->bytes, cap);
        if (!grown) { out->failed = 1; return -1; }
        out->bytes = grown;
        out->capacity = cap;
    }
    memcpy(out->bytes + out->length, p, n);
    out->length += n;
    return 0;
}

static inline int tracetui_dat_record(struct tracecmd_input *handle, struct tep_record *record, int cpu, void *data) {
    struct tracetui_dat_text *out = data;
    struct tep_handle *tep = tracecmd_get_tep(handle);
    struct trace_seq *s = &out->seq;
    trace_seq_reset(s);
    if (record->missed_events > 0)
        trace_seq_printf(s, "CPU:%d [LOST %lld EVENTS]\n", cpu, record->missed_events);
    else if (record->missed_events < 0)
        trace_seq_printf(s, "CPU:%d [LOST EVENTS]\n", cpu);
    tep_print_event(tep, s, record, "%16s-%-5d [%03d] %s ", TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU,
                    TEP_PRINT_LATENCY);
    trace_seq_printf(s, "%llu.%09llu: ", record->ts / 1000000000ULL, record->ts % 1000000000ULL);
    tep_print_event(tep, s, record, "%s: %s\n", TEP_PRINT_NAME, TEP_PRINT_INFO);
    trace_seq_terminate(s);
    out->records++;
    if (tracetui_dat_append(out, s->buffer, s->len)) return -1;
    if (out->emit && out->length >= out->block) {
        out->emit(out->context, out->bytes, out->length);
        out->length = 0;
        if (out->next_block) out->block = out->next_block;
    }
    return 0;
}

/* Reads every record of `path` (the top buffer and each instance) into `out`. Returns 0, or -1 with a
   reason in `error`. The caller frees `out->bytes`. */
static inline int tracetui_dat_read(const char *path, struct tracetui_dat_text *out, char *error, size_t error_size) {
    /* The caller's emit, context and block survive; the rest starts empty. */
    void (*emit)(void *, const char *, size_t) = out->emit;
    void *context = out->context;
    size_t block = out->block, next_block = out->next_block;
    memset(out, 0, sizeof(*out));
    out->emit = emit;
    out->context = context;
    out->block = block;
    out->next_block = next_block;
    /* No libtraceevent plugins: events print with the kernel's own format (`prev_comm=… next_pid=…`), as the
       `trace` file does, so fields and filters work alike; libtracecmd still prints function_graph records. */
    struct tracecmd_input *handle = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
    if (!handle) {
        snprintf(error, error_size, "libtracecmd cannot open %s as a trace.dat file", path);
        return -1;
    }
    int instances = tracecmd_buffer_instances(handle);
    struct tracecmd_input **handles = calloc((size_t)instances + 1, sizeof(*handles));
    int n = 0;
    handles[n++] = handle;
    for (int i = 0; i < instances; i++) {
        struct tracecmd_input *h = tracecmd_buffer_instance_handle(handle, i);
        if (h) handles[n++] = h;
    }
    trace_seq_init(&out->seq);
    /* The header trace-cmd report prints: the text parser takes the CPU count from it. */
    char header[32];
    int header_length = snprintf(header, sizeof(header), "cpus=%d\n", tracecmd_cpus(handle));
    if (header_length > 0) tracetui_dat_append(out, header, (size_t)header_length);
    int rc = tracecmd_iterate_events_multi(handles, n, tracetui_dat_record, out);
    trace_seq_destroy(&out->seq);
    for (int i = 1; i < n; i++) tracecmd_close(handles[i]);
    free(handles);
    tracecmd_close(handle);
    if (out->failed) {
        snprintf(error, error_size, "out of memory reading %s", path);
        return -1;
    }
    if (out->emit && out->length > 0) {
        out->emit(out->context, out->bytes, out->length);
        out->length = 0;
    }
    (void)rc;
    return 0;
}

static inline void tracetui_dat_free(struct tracetui_dat_text *out) { free(out->bytes); out->bytes = NULL; }

/* The first bytes of every trace.dat: 0x17 0x08 0x44 "tracing". */
static inline void tracetui_dat_quiet(void) { tracecmd_set_loglevel(TEP_LOG_NONE); }
#endif
