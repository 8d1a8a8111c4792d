// The one bridge to OpenBLAS. Every other file calls these wrappers:
// sizes are Int, transposes are named, and every range is checked before the
// call, so a wrong leading dimension is a precondition failure here rather than
// memory corruption inside the library.
import COpenBLAS

/// Whether a matrix operand is used as stored or transposed.
public enum Transpose: Sendable {
  case none
  case transposed

  package init(_ transposed: Bool) { self = transposed ? .transposed : .none }

  @inline(__always) var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Thin, checked wrappers over CBLAS (row-major only).
package enum BLAS {
  /// `blasint` is 32-bit in Debian's OpenBLAS; every size passes through here.
  @inline(__always) static func int32(_ value: Int, _ what: StaticString) -> Int32 {
    precondition(value >= 0 && value <= Int(Int32.max), "BLAS: \(what) = \(value) is out of range")
    return Int32(truncatingIfNeeded: value)
  }

  /// C = alpha · op(A) · op(B) + beta · C, all row-major.
  ///
  /// Shapes: op(A) is [m, k], op(B) is [k, n], C is [m, n]. A is stored [m, k]
  /// (or [k, m] when transposed) with row stride `lda`; likewise B and C.
  package static func sgemm(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    checkGemm(transA, transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    if m == 0 || n == 0 { return }
    holdSingleThreaded()
    callSgemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
              beta: beta, c: c, ldc: ldc)
  }

  static func checkGemm(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int
  ) {
    let aCols = transA == .none ? k : m
    let bCols = transB == .none ? n : k
    precondition(m >= 0 && n >= 0 && k >= 0, "BLAS.sgemm: negative size m=\(m) n=\(n) k=\(k)")
    precondition(lda >= max(1, aCols), "BLAS.sgemm: lda \(lda) < \(aCols) columns of A")
    precondition(ldb >= max(1, bCols), "BLAS.sgemm: ldb \(ldb) < \(bCols) columns of B")
    precondition(ldc >= max(1, n), "BLAS.sgemm: ldc \(ldc) < \(n) columns of C")
  }

  private static func callSgemm(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA.cblas, transB.cblas,
      int32(m, "m"), int32(n, "n"), int32(k, "k"), alpha,
      a, int32(lda, "lda"), b, int32(ldb, "ldb"), beta, c, int32(ldc, "ldc"))
  }

  /// y = alpha · op(A) · x + beta · y, A stored [rows, cols] row-major.
  package static func sgemv(
    _ trans: Transpose, rows: Int, cols: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
    beta: Float = 0, y: UnsafeMutablePointer<Float>
  ) {
    precondition(rows >= 0 && cols >= 0 && lda >= max(1, cols), "BLAS.sgemv: bad shape")
    if rows == 0 || cols == 0 { return }
    cblas_sgemv(
      CblasRowMajor, trans.cblas, int32(rows, "rows"), int32(cols, "cols"), alpha,
      a, int32(lda, "lda"), x, 1, beta, y, 1)
  }

  /// y += alpha · x over `count` contiguous elements.
  package static func saxpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
    if count == 0 { return }
    cblas_saxpy(int32(count, "count"), alpha, x, 1, y, 1)
  }

  /// x ← alpha · x over `count` contiguous elements.
  package static func sscal(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
    if count == 0 { return }
    cblas_sscal(int32(count, "count"), alpha, x, 1)
  }

  /// Σ x·y over `count` contiguous elements (single-precision accumulation).
  package static func sdot(count: Int, x: UnsafePointer<Float>, y: UnsafePointer<Float>) -> Float {
    if count == 0 { return 0 }
    return cblas_sdot(int32(count, "count"), x, 1, y, 1)
  }

  // MARK: - Threads

  /// The number of threads OpenBLAS uses for one call (1 in the engine; see Threads.swift).
  package static var threads: Int { Int(openblas_get_num_threads()) }

  /// Sets OpenBLAS's own thread count (process-wide). The engine keeps it at 1
  /// and parallelises itself (`Threads`); this is for reference measurements
  /// of OpenBLAS's threading (the bench's `-openblas` lines), which restore 1.
  package static func setThreads(_ count: Int) {
    _ = pinnedToOneThread
    openblas_set_num_threads(int32(max(1, count), "threads"))
  }

  /// Sets OpenBLAS to one thread the first time any wrapper runs (a once-token: free after that).
  static func holdSingleThreaded() { _ = pinnedToOneThread }

  private static let pinnedToOneThread: Bool = {
    openblas_set_num_threads(1)
    return true
  }()

  /// OpenBLAS's build description and the core it dispatched to, for bench logs.
  package static var configuration: String {
    let config = openblas_get_config().map { String(cString: $0) } ?? "?"
    let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
    return "\(config) core=\(core)"
  }
}
