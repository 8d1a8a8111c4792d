// Matrix products for the engine. Long, thin products (many rows, few columns:
// sequence and attention projections) are split by rows across the engine's
// threads, each chunk a single-threaded sgemm; OpenBLAS's own threading of such
// shapes reaches only 60-74 % of its square-matrix rate here, the split 75-88 %
// (docs/performance.md; `BENCH_TUNE=1 bench` reruns the comparison).
import Dispatch

/// Tuning knobs are process-wide; set them before training starts, not during a step.
public enum Gemm {
  /// Row-splitting applies when op(A) has at least this many rows per thread.
  /// The MLP shape (m = 256) stays below it: splitting it measured no faster.
  nonisolated(unsafe) public static var splitRowsPerThread = 512
  /// ...and the product is thin: n · k at most this. Square GEMMs (1024³) stay on
  /// OpenBLAS's own threads; splitting them measured equal, not faster.
  nonisolated(unsafe) public static var splitMaxInner = 512 * 512

  /// C = alpha · op(A) · op(B) + beta · C (row-major, contiguous: lda, ldb, ldc are the stored widths).
  ///
  /// Shapes: op(A) [m, k], op(B) [k, n], C [m, n].
  public static func multiply(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    beta: Float = 0, c: UnsafeMutablePointer<Float>
  ) {
    let lda = transA == .none ? k : m
    let ldb = transB == .none ? n : k
    multiply(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
             beta: beta, c: c, ldc: n)
  }

  /// As above with explicit row strides (sub-matrices, heads inside a wider row).
  public static func multiply(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let threads = Threads.count
    // Only rows of C that come from rows of A can be split: op(A) must be A itself.
    if threads > 1 && transA == .none && m >= splitRowsPerThread * threads && n * k <= splitMaxInner {
      multiplySplittingRows(
        transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c,
        ldc: ldc, threads: threads)
      return
    }
    BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
               beta: beta, c: c, ldc: ldc)
  }

  /// Each thread multiplies its own block of rows of A into the same rows of C.
  /// OpenBLAS runs a call inline in the calling thread when its thread count is 1,
  /// so the chunks do not contend for its thread server (concurrent 1-thread
  /// calls are safe: GemmThreadingTests). One chunk per thread: 2, 4 or 8 chunks
  /// per call measured alike, and one core's rate does not depend on chunk size,
  /// so more chunks buy nothing. concurrentPerform costs about 1 µs per call
  /// (against milliseconds of work), so a persistent thread pool would not pay.
  /// The thread-count toggle is process-wide: do not call this concurrently with
  /// code that reads `Threads.count` and expects the user's setting.
  private static func multiplySplittingRows(
    _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
  ) {
    BLAS.checkGemm(.none, transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    BLAS.setThreads(1)
    defer { BLAS.setThreads(threads) }
    let pointers = UncheckedSendable((a, b, c))
    DispatchQueue.concurrentPerform(iterations: threads) { chunk in
      let (a, b, c) = pointers.value
      // Chunk boundaries on multiples of 16 rows keep each block's panels aligned.
      let lower = (m * chunk / threads) & ~15
      let upper = chunk == threads - 1 ? m : (m * (chunk + 1) / threads) & ~15
      if upper > lower {
        BLAS.callSgemm(
          .none, transB, m: upper - lower, n: n, k: k, alpha: alpha, a: a + lower * lda, lda: lda,
          b: b, ldb: ldb, beta: beta, c: c + lower * ldc, ldc: ldc)
      }
    }
  }
}
