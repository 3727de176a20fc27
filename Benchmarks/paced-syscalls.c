/* A syscall load at a chosen rate, for the live benchmark: read(2)s of one byte from /dev/zero, in batches
   every millisecond, so that every reader is offered the same events per second (dd's rate depends on the
   CPU the reader leaves it). With raw_syscalls:* traced each read is two events (sys_enter, sys_exit).
   Usage: paced-syscalls EVENTS_PER_SECOND SECONDS. Prints the rate it kept on exit (also on SIGTERM). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    signal(SIGTERM, on_term);
    double rate = argc > 1 ? atof(argv[1]) / 2 : 500000, seconds = argc > 2 ? atof(argv[2]) : 5;
    int fd = open("/dev/zero", O_RDONLY);
    if (fd < 0) return 1;
    char c;
    double start = now(), end = start + seconds;
    long done = 0;
    for (double t = now(); t < end && !stop; t = now()) {
        /* Catch up to where the rate says we should be, then sleep a millisecond. */
        long due = (long)((t - start) * rate);
        while (done < due) {
            if (read(fd, &c, 1) < 0) return 1;
            done++;
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    fprintf(stderr, "paced-syscalls: %.0f reads/s (%.0f events/s traced)\n", done / (now() - start), 2 * done / (now() - start));
    return 0;
}
