/* tracetui-spin: a test load with known symbols for the sampling and counter tests.
     spin SECONDS   burn a core in tt_spin_leaf (called from tt_spin_outer) for SECONDS
     hop SECONDS    exec on the last allowed CPU, then spin on the first: the exec's records and the
                    samples land in different CPUs' perf rings (exit 2 when only one CPU is allowed)
     faults PAGES   touch PAGES fresh anonymous pages (one minor fault each), print PAGES, exit */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) unsigned long tt_spin_leaf(unsigned long x) {
    for (int i = 0; i < 100000; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

__attribute__((noinline)) unsigned long tt_spin_outer(double seconds) {
    unsigned long x = 1;
    double end = now_seconds() + seconds;
    while (now_seconds() < end) x = tt_spin_leaf(x);
    return x;
}

/* Pins to one CPU of the allowed set (its first or last); returns the first one, -2 with one CPU allowed. */
static int pin_to(int last, int *first_out) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    if (CPU_COUNT(&set) < 2) return -2;
    int first = -1, final = -1;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &set)) continue;
        if (first < 0) first = c;
        final = c;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(last ? final : first, &one);
    *first_out = first;
    return sched_setaffinity(0, sizeof one, &one);
}

static int pin_exactly(int cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return sched_setaffinity(0, sizeof one, &one);
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "spin") == 0) {
        volatile unsigned long sink = tt_spin_outer(atof(argv[2]));
        (void)sink;
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "hop") == 0) {
        int first = 0, r = pin_to(1, &first);
        if (r == -2) return 2;
        if (r != 0) return 1;
        char cpu[16];
        snprintf(cpu, sizeof cpu, "%d", first);
        char *args[] = {argv[0], "hop-spin", argv[2], cpu, NULL};
        execv("/proc/self/exe", args);
        return 1;
    }
    if (argc >= 4 && strcmp(argv[1], "hop-spin") == 0) {
        if (pin_exactly(atoi(argv[3])) != 0) return 1;
        volatile unsigned long sink = tt_spin_outer(atof(argv[2]));
        (void)sink;
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "faults") == 0) {
        long pages = atol(argv[2]), size = sysconf(_SC_PAGESIZE);
        char *p = mmap(NULL, (size_t)(pages * size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return 1;
        for (long i = 0; i < pages; i++) p[i * size] = 1;
        printf("%ld\n", pages);
        return 0;
    }
    fprintf(stderr, "usage: tracetui-spin spin SECONDS | hop SECONDS | faults PAGES\n");
    return 64;
}
