/* trace.dat through libtracecmd, each record formatted without printf.
 *
 * trace-cmd report prints every record with tep_print_event, a vfprintf per field (~3 µs a record). Here the
 * events with a plain field list go through the live reader's printf-free formatter (every field as
 * `name=value`, what tracetui's filters read), function records as the kernel's `func <-parent`, and
 * function_graph records in trace-cmd's raw form (`funcgraph_entry: func=NAME depth=N`, the exit with calltime
 * and rettime), which the text parser turns into calls. Only ftrace's other events (print, stacks, …) still go
 * through tep_print_event. */
#include "trace_dat.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <trace-cmd.h>
#include <event-parse.h>
#include <trace-seq.h>
#include "../CTracefs/fastformat.h"

/* Exported by libtracecmd but left out of its public header. */
int tracecmd_cpus(struct tracecmd_input *handle);

/* The longest line a record can make: the fast formatter leaves out fields that would not fit. */
#define LINE_ROOM (64 << 10)

enum kind { KIND_UNKNOWN = 0, KIND_FIELDS, KIND_FUNCTION, KIND_GRAPH_ENTRY, KIND_GRAPH_EXIT, KIND_PRINTED };

struct graph_fields {
    struct tep_format_field *func, *depth, *calltime, *rettime, *overrun;
};

struct reader {
    struct tracetui_dat_text *out;
    struct trace_seq seq;
    struct tt_task_cache cache;
    /* What each event id is, decided on its first record. */
    unsigned char kind[65536];
    struct tep_event *last_event;
    enum kind last_kind;
    struct tep_format_field *prev_state;
    struct tep_format_field *ip, *parent_ip;
    struct graph_fields entry, exit;
};

static int reserve(struct tracetui_dat_text *out, size_t n) {
    if (out->length + n <= out->capacity) return 0;
    /* A block's buffer is sized for the block at once (no doubling copies on the way). */
    size_t cap = out->capacity ? out->capacity : out->emit ? out->block + 2 * LINE_ROOM : (1 << 20);
    while (out->length + n > cap) cap *= 2;
    char *grown = realloc(out->bytes, cap);
    if (!grown) { out->failed = 1; return -1; }
    out->bytes = grown;
    out->capacity = cap;
    return 0;
}

static enum kind classify(struct reader *r, struct tep_event *event) {
    int ftrace = (event->flags & TEP_EVENT_FL_ISFTRACE) || strcmp(event->system, "ftrace") == 0;
    if (!ftrace) {
        if (!r->prev_state && strcmp(event->name, "sched_switch") == 0)
            r->prev_state = tep_find_field(event, "prev_state");
        return KIND_FIELDS;
    }
    if (strcmp(event->name, "function") == 0) {
        r->ip = tep_find_field(event, "ip");
        r->parent_ip = tep_find_field(event, "parent_ip");
        if (r->ip && r->parent_ip) return KIND_FUNCTION;
    } else if (strcmp(event->name, "funcgraph_entry") == 0) {
        r->entry.func = tep_find_field(event, "func");
        r->entry.depth = tep_find_field(event, "depth");
        if (r->entry.func && r->entry.depth) return KIND_GRAPH_ENTRY;
    } else if (strcmp(event->name, "funcgraph_exit") == 0) {
        r->exit.func = tep_find_field(event, "func");
        r->exit.depth = tep_find_field(event, "depth");
        r->exit.calltime = tep_find_field(event, "calltime");
        r->exit.rettime = tep_find_field(event, "rettime");
        r->exit.overrun = tep_find_field(event, "overrun");
        if (r->exit.func && r->exit.depth && r->exit.calltime && r->exit.rettime) return KIND_GRAPH_EXIT;
    }
    return KIND_PRINTED;
}

static unsigned long long number(struct tep_format_field *f, struct tep_record *record) {
    if (!f || f->offset + f->size > record->size) return 0;
    return tt_load((const unsigned char *)record->data + f->offset, f->size);
}

/* A kernel address as its symbol from the file's kallsyms, else in hex. */
static char *symbol(char *o, struct tep_handle *tep, unsigned long long addr) {
    const char *name = tep_find_function(tep, addr);
    return name ? tt_puts(o, name) : tt_hex(o, addr);
}

static int on_record(struct tracecmd_input *handle, struct tep_record *record, int cpu, void *data) {
    struct reader *r = data;
    struct tracetui_dat_text *out = r->out;
    struct tep_handle *tep = tracecmd_get_tep(handle);
    if (reserve(out, LINE_ROOM + 128)) return -1;
    char *o = out->bytes + out->length;
    if (record->missed_events > 0)
        o += snprintf(o, 96, "CPU:%d [LOST %lld EVENTS]\n", cpu, record->missed_events);
    else if (record->missed_events < 0)
        o += snprintf(o, 96, "CPU:%d [LOST EVENTS]\n", cpu);
    struct tep_event *event = tep_find_event_by_record(tep, record);
    if (event != r->last_event) {
        r->last_event = event;
        if (!event) {
            r->last_kind = KIND_PRINTED;
        } else if (event->id >= 0 && event->id < 65536) {
            if (!r->kind[event->id]) r->kind[event->id] = (unsigned char)classify(r, event);
            r->last_kind = r->kind[event->id];
        } else {
            r->last_kind = classify(r, event);
        }
    }
    char *start = o;
    switch (r->last_kind) {
    case KIND_FIELDS:
        o = tt_fast_prefix(tep, record, o, &r->cache, 1);
        o = tt_puts(o, event->name);
        *o++ = ':';
        o = tt_fast_fields(event, record, start, o, LINE_ROOM, r->prev_state);
        break;
    case KIND_FUNCTION:
        /* The function tracer's line in the kernel's `trace` file has no event name. */
        o = tt_fast_prefix(tep, record, o, &r->cache, 1);
        o = symbol(o, tep, number(r->ip, record));
        *o++ = ' '; *o++ = '<'; *o++ = '-';
        o = symbol(o, tep, number(r->parent_ip, record));
        break;
    case KIND_GRAPH_ENTRY:
        o = tt_fast_prefix(tep, record, o, &r->cache, 1);
        o = tt_puts(o, "funcgraph_entry: func=");
        o = symbol(o, tep, number(r->entry.func, record));
        o = tt_puts(o, " depth=");
        o = tt_udec(o, number(r->entry.depth, record));
        break;
    case KIND_GRAPH_EXIT:
        o = tt_fast_prefix(tep, record, o, &r->cache, 1);
        o = tt_puts(o, "funcgraph_exit: func=");
        o = symbol(o, tep, number(r->exit.func, record));
        o = tt_puts(o, " calltime=");
        o = tt_hex(o, number(r->exit.calltime, record));
        o = tt_puts(o, " rettime=");
        o = tt_hex(o, number(r->exit.rettime, record));
        o = tt_puts(o, " overrun=");
        o = tt_hex(o, number(r->exit.overrun, record));
        o = tt_puts(o, " depth=");
        o = tt_udec(o, number(r->exit.depth, record));
        break;
    default: {
        /* ftrace's other events only have their printed form (libtracecmd's own handlers included). */
        struct trace_seq *s = &r->seq;
        trace_seq_reset(s);
        tep_print_event(tep, s, record, "%16s-%-5d [%03d] %s ", TEP_PRINT_COMM, TEP_PRINT_PID, TEP_PRINT_CPU,
                        TEP_PRINT_LATENCY);
        trace_seq_printf(s, "%llu.%09llu: ", record->ts / 1000000000ULL, record->ts % 1000000000ULL);
        tep_print_event(tep, s, record, "%s: %s", TEP_PRINT_NAME, TEP_PRINT_INFO);
        trace_seq_terminate(s);
        size_t n = s->len;
        while (n > 0 && s->buffer[n - 1] == '\n') n--;
        size_t at = (size_t)(o - out->bytes);
        if (reserve(out, at - out->length + n + 2)) return -1;
        o = out->bytes + at;  /* the buffer may have moved */
        memcpy(o, s->buffer, n);
        o += n;
        break;
    }
    }
    *o++ = '\n';
    out->length = (size_t)(o - out->bytes);
    out->records++;
    if (out->emit && out->length >= out->block) {
        /* The block goes to the caller as it is, with its ownership: no copy. */
        out->emit(out->context, out->bytes, out->length);
        out->bytes = NULL;
        out->length = out->capacity = 0;
        if (out->next_block) out->block = out->next_block;
    }
    return 0;
}

int tracetui_dat_read(const char *path, struct tracetui_dat_text *out, char *error, size_t error_size) {
    void (*emit)(void *, const char *, size_t) = out->emit;
    void *context = out->context;
    size_t block = out->block, next_block = out->next_block;
    memset(out, 0, sizeof(*out));
    out->emit = emit;
    out->context = context;
    out->block = block;
    out->next_block = next_block;
    /* No libtraceevent plugins: the printed events keep the kernel's own format. */
    struct tracecmd_input *handle = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
    if (!handle) {
        snprintf(error, error_size, "libtracecmd cannot open %s as a trace.dat file", path);
        return -1;
    }
    struct reader *r = calloc(1, sizeof(*r));
    if (!r) {
        tracecmd_close(handle);
        snprintf(error, error_size, "out of memory reading %s", path);
        return -1;
    }
    tt_task_cache_clear(&r->cache);  /* zeroed slots would pass for pid 0 with an empty name */
    r->out = out;
    trace_seq_init(&r->seq);
    int instances = tracecmd_buffer_instances(handle);
    struct tracecmd_input **handles = calloc((size_t)instances + 1, sizeof(*handles));
    int n = 0;
    handles[n++] = handle;
    for (int i = 0; i < instances; i++) {
        struct tracecmd_input *h = tracecmd_buffer_instance_handle(handle, i);
        if (h) handles[n++] = h;
    }
    /* The header trace-cmd report prints: the text parser takes the CPU count from it. */
    if (reserve(out, 64) == 0)
        out->length += (size_t)snprintf(out->bytes, 64, "cpus=%d\n", tracecmd_cpus(handle));
    tracecmd_iterate_events_multi(handles, n, on_record, r);
    trace_seq_destroy(&r->seq);
    free(r);
    for (int i = 1; i < n; i++) tracecmd_close(handles[i]);
    free(handles);
    tracecmd_close(handle);
    if (out->failed) {
        snprintf(error, error_size, "out of memory reading %s", path);
        return -1;
    }
    if (out->emit && out->length > 0) {
        out->emit(out->context, out->bytes, out->length);
        out->bytes = NULL;
        out->length = out->capacity = 0;
    }
    return 0;
}

void tracetui_dat_free(struct tracetui_dat_text *out) {
    free(out->bytes);
    out->bytes = NULL;
}

void tracetui_dat_quiet(void) { tracecmd_set_loglevel(TEP_LOG_NONE); }
