// The short-spin worker pool behind Threads.run (see CWorkerPool.h). One job at
// a time: the caller publishes it, takes chunks itself, and waits (spinning) for
// the workers' chunks; workers spin on the job counter, then sleep on a condition.
#include "CWorkerPool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#define MAX_WORKERS 63

typedef struct {
  cwp_body body;
  void *context;
  long chunks;
  atomic_long next, done;
} job_t;

static atomic_flag busy = ATOMIC_FLAG_INIT;
static _Atomic(job_t *) current;
static atomic_long generation, active, sleepers, spin_ns = 200000;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static long workers;  // threads started; only the holder of `busy` starts more

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

/// Takes chunks of `job` until none are left.
static void drain(job_t *job) {
  for (long c; (c = atomic_fetch_add(&job->next, 1)) < job->chunks;) {
    job->body(job->context, c);
    atomic_fetch_add(&job->done, 1);
  }
}

static void *worker(void *unused) {
  (void)unused;
  long seen = atomic_load(&generation);
  for (;;) {
    // Spin for a new job, then sleep until one is published.
    long start = now_ns(), spins = 0;
    while (atomic_load(&generation) == seen) {
      relax();
      if (++spins % 64 == 0 && now_ns() - start > atomic_load(&spin_ns)) {
        pthread_mutex_lock(&lock);
        atomic_fetch_add(&sleepers, 1);
        while (atomic_load(&generation) == seen) pthread_cond_wait(&wake, &lock);
        atomic_fetch_sub(&sleepers, 1);
        pthread_mutex_unlock(&lock);
      }
    }
    seen = atomic_load(&generation);
    // `active` is raised before `current` is read, and the caller clears `current`
    // before it waits for `active` to fall to 0: a job is never read after it returns.
    atomic_fetch_add(&active, 1);
    job_t *job = atomic_load(&current);
    if (job) drain(job);
    atomic_fetch_sub(&active, 1);
  }
  return 0;
}

/// Starts workers up to `wanted` (caller holds `busy`); returns how many run.
static long ensure_workers(long wanted) {
  if (wanted > MAX_WORKERS) wanted = MAX_WORKERS;
  while (workers < wanted) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attributes, worker, 0);
    pthread_attr_destroy(&attributes);
    if (failed) break;
    workers++;
  }
  return workers;
}

int cwp_run(long chunks, cwp_body body, void *context) {
  if (chunks <= 0) return 1;
  if (atomic_flag_test_and_set(&busy)) return 0;
  if (chunks > 1 && ensure_workers(chunks - 1) == 0) {
    atomic_flag_clear(&busy);
    return 0;
  }
  job_t job = {body, context, chunks, 0, 0};
  atomic_store(&current, &job);
  atomic_fetch_add(&generation, 1);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  drain(&job);
  for (long spins = 0; atomic_load(&job.done) < chunks; spins++) {
    if (spins < 4096) relax(); else sched_yield();  // a worker descheduled on a busy machine
  }
  atomic_store(&current, (job_t *)0);
  while (atomic_load(&active) > 0) relax();
  atomic_flag_clear(&busy);
  return 1;
}

void cwp_set_spin_microseconds(long microseconds) {
  atomic_store(&spin_ns, (microseconds < 0 ? 0 : microseconds) * 1000);
}

long cwp_spin_microseconds(void) { return atomic_load(&spin_ns) / 1000; }
