// The engine's own worker pool: persistent threads that spin briefly after each
// job before they sleep, so the products of one training step (tens of µs apart)
// find their workers awake. Threads.run calls it; Swift closures come as a context.
#ifndef CWORKER_POOL_H
#define CWORKER_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*cwp_body)(void *context, long chunk);

/// Runs body(context, c) for every c in 0..<chunks, on the caller and up to chunks − 1
/// pool workers, and returns 1 when all have finished. Returns 0 without running
/// anything when the pool is serving another caller (a nested or concurrent call):
/// the caller then runs the chunks some other way.
int cwp_run(long chunks, cwp_body body, void *context);

/// How long an idle worker spins before it sleeps, in µs (default 200; 0: sleep at once).
void cwp_set_spin_microseconds(long microseconds);
long cwp_spin_microseconds(void);

#ifdef __cplusplus
}
#endif
#endif
