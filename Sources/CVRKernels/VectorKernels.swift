// The run-time choice of the C vector kernels (CVecKernels): the widest level
// the CPU supports, once per process, and the levels a test can compare.
import CVecKernels

package enum VectorKernels {
  /// The widest level this CPU runs (AVX-512, AVX2+FMA, portable), lowered by
  /// CVR_VECTOR_LEVEL=avx2|portable.
  /// The tables are constants in the C library, read-only for the whole process.
  nonisolated(unsafe) package static let best: UnsafePointer<cvec_kernels> = cvec_best()

  /// Every level this CPU can run, narrowest first (tests check each one).
  package static var available: [UnsafePointer<cvec_kernels>] {
    [cvec_level_portable, cvec_level_avx2, cvec_level_avx512].compactMap { cvec_at_level($0) }
  }

  /// "avx512", "avx2" or "portable", for bench logs.
  package static func name(_ kernels: UnsafePointer<cvec_kernels>) -> String { String(cString: kernels.pointee.name) }
}
