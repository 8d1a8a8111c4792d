// Products for code that already runs in parallel (the attention kernel's batch
// loop): each chunk's sgemm runs inline on its own thread, with OpenBLAS held to
// one thread for the whole parallel region, as Gemm's row splitting does.
import Dispatch

extension Gemm {
  /// C = alpha · op(A) · op(B) + beta · C as one sgemm, never split by rows.
  /// Inside `Threads.parallelForSerialBLAS` (OpenBLAS at one thread) it runs
  /// inline on the calling thread; from serial code OpenBLAS threads it as usual.
  ///
  /// Shapes: op(A) [m, k], op(B) [k, n], C [m, n], with row strides lda, ldb, ldc.
  @inline(__always)
  public static func multiplyUnsplit(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    BLAS.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
               beta: beta, c: c, ldc: ldc)
  }
}

extension Threads {
  /// As `parallelFor`, but with an explicit width and OpenBLAS set to one thread
  /// while the chunks run, so BLAS calls inside `body` run inline on each chunk's
  /// thread instead of contending for OpenBLAS's thread server.
  ///
  /// `parallelFor` cannot be reused here: it sizes itself from the BLAS thread
  /// count, which this function must drop to 1 before the chunks start.
  public static func parallelForSerialBLAS(
    total: Int, minimum: Int, threads: Int = Threads.count,
    _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
  ) {
    let chunks = min(max(1, threads), max(1, total / max(1, minimum)))
    if chunks <= 1 {
      body(0, 0..<total)
      return
    }
    let previous = BLAS.threads
    BLAS.setThreads(1)
    defer { BLAS.setThreads(previous) }
    run(chunks: chunks, total: total, body)
  }
}
