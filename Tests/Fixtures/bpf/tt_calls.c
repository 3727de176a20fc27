/* The --bpf tests' helper (its comm, tt_calls, is what hist.bpf.c counts): `tt_calls MODE… [-c N]` opens /dev/null
   once per MODE, passing MODE to the openat syscall itself (glibc would pass 0 without O_CREAT), then calls
   tt_work N times. Build: gcc -O0 tt_calls.c -o tt_calls */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) int tt_work(int i)
{
    __asm__ volatile("" ::: "memory");
    return i + 1;
}

int main(int argc, char **argv)
{
    int calls = 0, sum = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            calls = atoi(argv[++i]);
            continue;
        }
        long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY, strtoul(argv[i], NULL, 10));
        if (fd >= 0) close((int)fd);
    }
    for (int i = 0; i < calls; i++) sum += tt_work(i);
    return sum == -1;
}
