// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are macros over
// addresses of library globals, which Swift cannot import: these functions
// return them. Everything else is the plain C API of <mpi.h>.
#ifndef CVR_MPI_SHIM_H
#define CVR_MPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm cvr_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cvr_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cvr_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cvr_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype cvr_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op cvr_mpi_sum(void) { return MPI_SUM; }
static inline void *cvr_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int cvr_mpi_success(void) { return MPI_SUCCESS; }
static inline MPI_Errhandler cvr_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int cvr_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
