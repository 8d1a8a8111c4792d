// The avx2 instantiation of kernels_template.h (vectors of 8 floats).
// Only its functions carry the target attribute; the dispatcher calls them only
// after checking the CPU (dispatch.c), so no unsafe compiler flag is needed.
#include "CVecKernels.h"
#if defined(__x86_64__)
#define CVEC_WIDTH 8
#define CVEC_LEVEL cvec_level_avx2
#define CVEC_LEVEL_NAME "avx2"
#define CVEC_NAME(x) cvec_avx2_##x
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "kernels_template.h"
#pragma clang attribute pop
#endif
