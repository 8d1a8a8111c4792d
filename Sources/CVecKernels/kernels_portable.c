// The portable instantiation of kernels_template.h (vectors of 4 floats).
// Baseline instructions only: the fallback on every CPU.
#include "CVecKernels.h"

#define CVEC_WIDTH 4
#define CVEC_LEVEL cvec_level_portable
#define CVEC_LEVEL_NAME "portable"
#define CVEC_NAME(x) cvec_portable_##x
#include "kernels_template.h"
