// COpenBLAS: the C interfaces the engine uses, CBLAS (OpenBLAS) and LAPACKE.
// Include paths come from pkg-config (openblas); no absolute paths here, so the
// same module map works for every OpenBLAS variant Debian ships.
#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
