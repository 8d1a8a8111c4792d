// Matrix products for the engine, parallelised by the engine: a large product
// is split into one block of rows (or of columns) per thread, each block a
// single-threaded sgemm. OpenBLAS's own threading of the long, thin sequence
// and attention projections reaches only 70-78 % of its square-matrix rate
// here; the split 83-90 %, and equal on square products (docs/performance.md;
// `BENCH_TUNE=1 bench` reruns the comparison).

/// Tuning knobs are process-wide; set them before training starts, not during a step.
package enum Gemm {
  /// Products below this many multiply-adds (m·n·k) run on one thread: the
  /// dispatch costs 1-5 µs, a 1 M-MAC product about 10 µs on one core.
  nonisolated(unsafe) public static var minimumSplitWork = 1 << 20
  /// Smallest block of rows (or columns) worth a thread.
  nonisolated(unsafe) public static var minimumBlock = 32

  /// C = alpha · op(A) · op(B) + beta · C (row-major, contiguous: lda, ldb, ldc are the stored widths).
  ///
  /// Shapes: op(A) [m, k], op(B) [k, n], C [m, n].
  package static func multiply(
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
  ///
  /// Rows of C come from rows of A only when op(A) is A itself, so a transposed A
  /// (weight gradients, dW = dYᵀ·X) is split by columns instead.
  package static func multiply(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    BLAS.checkGemm(transA, transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    let threads = Threads.count
    if threads > 1 && m * n * k >= minimumSplitWork {
      if transA == .none && m >= threads * minimumBlock {
        let pointers = UncheckedSendable((a, b, c))
        forEachBlock(of: m, threads: threads) { lower, upper in
          let (a, b, c) = pointers.value
          BLAS.sgemm(.none, transB, m: upper - lower, n: n, k: k, alpha: alpha, a: a + lower * lda, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c + lower * ldc, ldc: ldc)
        }
        return
      }
      if n >= threads * minimumBlock {
        let pointers = UncheckedSendable((a, b, c))
        forEachBlock(of: n, threads: threads) { lower, upper in
          let (a, b, c) = pointers.value
          // Columns lower..<upper of op(B): an offset along B's row, or whole rows of a transposed B.
          let bBlock = transB == .none ? b + lower : b + lower * ldb
          BLAS.sgemm(transA, transB, m: m, n: upper - lower, k: k, alpha: alpha, a: a, lda: lda,
                     b: bBlock, ldb: ldb, beta: beta, c: c + lower, ldc: ldc)
        }
        return
      }
    }
    BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
               beta: beta, c: c, ldc: ldc)
  }

  /// C = alpha · op(A) · op(B) + beta · C as one single-threaded sgemm, never
  /// split: for code already running in parallel (the attention kernel's batch loop).
  @inline(__always)
  package static func multiplyUnsplit(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
               beta: beta, c: c, ldc: ldc)
  }

  /// `body(lower, upper)` for one block per thread of 0..<count, with inner
  /// boundaries on multiples of 16 so each block's panels stay aligned. One block
  /// per thread: 2, 4 or 8 blocks per call measured alike, and one core's rate does
  /// not depend on block size, so more blocks buy nothing.
  private static func forEachBlock(of count: Int, threads: Int, _ body: (_ lower: Int, _ upper: Int) -> Void) {
    Threads.run(chunks: threads, total: threads) { chunk, _ in
      let lower = (count * chunk / threads) & ~15
      let upper = chunk == threads - 1 ? count : (count * (chunk + 1) / threads) & ~15
      if upper > lower { body(lower, upper) }
    }
  }
}
