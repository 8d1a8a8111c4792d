// Chooses the kernel table at run time: the widest level the CPU and the OS
// support (__builtin_cpu_supports checks both), lowered by CVR_VECTOR_LEVEL.
#include "CVecKernels.h"
#include <stdlib.h>
#include <string.h>

extern const cvec_kernels cvec_portable_kernels;
#if defined(__x86_64__)
extern const cvec_kernels cvec_avx2_kernels;
extern const cvec_kernels cvec_avx512_kernels;
#endif

const cvec_kernels *cvec_at_level(cvec_level level) {
  switch (level) {
  case cvec_level_portable: return &cvec_portable_kernels;
#if defined(__x86_64__)
  case cvec_level_avx2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &cvec_avx2_kernels : NULL;
  case cvec_level_avx512:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? &cvec_avx512_kernels : NULL;
#endif
  default: return NULL;
  }
}

const cvec_kernels *cvec_best(void) {
  cvec_level ceiling = cvec_level_avx512;
  const char *wanted = getenv("CVR_VECTOR_LEVEL");
  if (wanted && strcmp(wanted, "portable") == 0) ceiling = cvec_level_portable;
  if (wanted && strcmp(wanted, "avx2") == 0) ceiling = cvec_level_avx2;
  for (int level = ceiling; level > cvec_level_portable; level--) {
    const cvec_kernels *table = cvec_at_level((cvec_level)level);
    if (table) return table;
  }
  return &cvec_portable_kernels;
}
