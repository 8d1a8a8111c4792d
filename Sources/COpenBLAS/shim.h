// COpenBLAS: the C interface the engine uses, CBLAS (OpenBLAS).
// Include paths come from pkg-config (openblas); no absolute paths here, so the
// same module map works for every OpenBLAS variant Debian ships.
#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <cblas.h>
#endif
