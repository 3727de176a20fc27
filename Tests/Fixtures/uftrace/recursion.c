#include <unistd.h>
#include <pthread.h>
int fib(int n) { return n < 2 ? n : fib(n-1) + fib(n-2); }
int odd(int n);
int even(int n) { return n == 0 ? 1 : odd(n-1); }
int odd(int n) { return n == 0 ? 0 : even(n-1); }
void nap(void) { usleep(45000); }
void *worker(void *arg) { fib(8); nap(); return 0; }
int main(void) {
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);
  fib(10); even(7); nap();
  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
  return 0;
}
