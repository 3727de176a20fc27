#include <stdlib.h>
/* Two known hot loops: hot_a does about twice the work of hot_b, both called from main through work(). */
volatile unsigned long sink;
__attribute__((noinline)) unsigned long hot_a(unsigned long n) {
    unsigned long s = 0;
    for (unsigned long i = 0; i < n; i++) s += i * i ^ (s >> 3);
    return s;
}
__attribute__((noinline)) unsigned long hot_b(unsigned long n) {
    unsigned long s = 1;
    for (unsigned long i = 0; i < n; i++) s = s * 31 + i;
    return s;
}
__attribute__((noinline)) void work(unsigned long n) {
    sink += hot_a(2 * n);
    sink += hot_b(n);
}
int main(int argc, char **argv) {
    unsigned long rounds = argc > 1 ? strtoul(argv[1], 0, 10) : 40;
    for (unsigned long r = 0; r < rounds; r++) work(1000000);
    return 0;
}
