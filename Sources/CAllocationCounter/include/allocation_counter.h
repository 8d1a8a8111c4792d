// Counts heap allocations made by the calling thread, for tests that assert a
// warm training step allocates nothing. Test-only: no engine target links it.
#ifndef CVR_ALLOCATION_COUNTER_H
#define CVR_ALLOCATION_COUNTER_H

#include <stdint.h>

/// 1 when this build replaces the allocator entry points (glibc), else 0: then
/// the counter stays at zero and a test must not read its zero as "no allocation".
int allocation_counter_available(void);

/// Starts counting the calling thread's malloc, calloc, realloc, memalign,
/// posix_memalign, aligned_alloc and valloc calls from zero.
void allocation_counter_start(void);

/// Stops counting on the calling thread and returns how many calls it saw, leaving
/// out those made directly by libdispatch or OpenBLAS (see `allocation_counter_foreign`).
int64_t allocation_counter_stop(void);

/// The calls of the last count made directly by libdispatch or OpenBLAS.
int64_t allocation_counter_foreign(void);

#endif
