// The allocator entry points, replaced in the test executable: each forwards to
// glibc's own implementation (the exported __libc_* names, so no dlsym and no
// recursion at start-up) and, while the calling thread has counting on, adds
// one to that thread's count. A definition in the executable takes precedence
// over libc's for every shared library too (ELF symbol interposition), so
// Swift's runtime (swift_slowAlloc), Foundation, libdispatch and OpenBLAS are
// all counted. free is not replaced: glibc's free takes these blocks as they are.
//
// Per thread, because Swift Testing runs other suites concurrently in the same
// process: a global count would see their allocations. The engine's parallel
// loops run chunk 0 on the calling thread, so an allocation inside a chunk body
// is seen there too.
#define _GNU_SOURCE 1  // dladdr
#include "allocation_counter.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <string.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);

static __thread int counting = 0;
static __thread int64_t calls = 0;
/// CVR_ALLOCATION_TRACE=N: print the call stacks of the first N counted calls to
/// stderr (symbols with `swift demangle`), to find what allocates.
static __thread int64_t traceLeft = 0;
static __thread int inTrace = 0;

static void trace(void) {
  if (inTrace) return;
  inTrace = 1;
  void *frames[24];
  int n = backtrace(frames, 24);  // may allocate once (loads libgcc_s): not counted
  static const char line[] = "-- counted allocation --\n";
  write(2, line, sizeof line - 1);
  backtrace_symbols_fd(frames, n, 2);
  inTrace = 0;
}

/// Whether the allocation was asked for directly by a C library the engine does not
/// own: libdispatch (its queues and continuations, when a parallel region falls back
/// to concurrentPerform) or OpenBLAS (its small-matrix kernels' buffers). Those are
/// counted apart (`allocation_counter_foreign`), since their number depends on the
/// library build and on what other threads hold, not on the engine's code.
static __thread int64_t foreign = 0;

static int is_foreign(void *caller) {
  Dl_info info;
  if (!dladdr(caller, &info) || !info.dli_fname) return 0;
  return strstr(info.dli_fname, "libdispatch") != NULL || strstr(info.dli_fname, "libopenblas") != NULL;
}

#define note() note_from(__builtin_return_address(0))

static inline void note_from(void *caller) {
  if (counting && !inTrace) {
    inTrace = 1;
    int outside = is_foreign(caller);
    inTrace = 0;
    if (outside) {
      foreign += 1;
      return;
    }
    calls += 1;
    if (traceLeft > 0) {
      traceLeft -= 1;
      trace();
    }
  }
}

void *malloc(size_t size) {
  note();
  return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
  note();
  return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
  note();
  return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
  note();
  return __libc_valloc(size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  note();
  // POSIX: a power of two that is a multiple of sizeof(void *).
  if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void *p = __libc_memalign(alignment, size);
  if (p == NULL && size != 0) return ENOMEM;
  *out = p;
  return 0;
}

int allocation_counter_available(void) { return 1; }

void allocation_counter_start(void) {
  const char *limit = getenv("CVR_ALLOCATION_TRACE");
  traceLeft = limit ? atoll(limit) : 0;
  calls = 0;
  foreign = 0;
  counting = 1;
}

int64_t allocation_counter_stop(void) {
  counting = 0;
  return calls;
}

int64_t allocation_counter_foreign(void) { return foreign; }

#else

int allocation_counter_available(void) { return 0; }
void allocation_counter_start(void) {}
int64_t allocation_counter_stop(void) { return 0; }
int64_t allocation_counter_foreign(void) { return 0; }

#endif
