// K1–K4: the engine's GEMM shapes through Gemm.multiply, plus plain OpenBLAS
// reference lines ("-openblas") so the gain of row splitting shows in one run.
import CVRCore
import CVRKernels

/// Operands of one row-major product C[m, n] = A[m, k] · B[k, n], filled with
/// seeded uniform values in [-1, 1); owns its memory for the whole bench.
final class GemmProblem {
  let m: Int, n: Int, k: Int
  let a: UnsafeMutablePointer<Float>
  let b: UnsafeMutablePointer<Float>
  let c: UnsafeMutablePointer<Float>

  init(m: Int, n: Int, k: Int, seed: UInt64) {
    self.m = m; self.n = n; self.k = k
    a = Self.allocateAligned(m * k)
    b = Self.allocateAligned(k * n)
    c = Self.allocateAligned(m * n)
    var rng = SeededGenerator(seed: seed)
    for i in 0..<(m * k) { a[i] = rng.nextFloat(in: -1, 1) }
    for i in 0..<(k * n) { b[i] = rng.nextFloat(in: -1, 1) }
    c.initialize(repeating: 0, count: m * n)
  }

  /// 64-byte aligned like the engine's arena (malloc's large blocks sit 16 bytes
  /// past a page, which would misalign every AVX-512 store into C).
  private static func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
      .bindMemory(to: Float.self, capacity: count)
  }

  deinit {
    a.deallocate(); b.deallocate(); c.deallocate()
  }

  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
  var shape: String { "M=\(m) K=\(k) N=\(n)" }

  /// The engine path: C = A·B through Gemm.multiply (split by rows over the threads).
  func multiplyWithGemm() {
    Gemm.multiply(.none, .none, m: m, n: n, k: k, a: a, b: b, c: c)
  }

  /// The reference path: one plain OpenBLAS call. Run it inside
  /// `withOpenBLASThreads` to measure OpenBLAS's own threading.
  func multiplyWithOpenBLAS() {
    BLAS.sgemm(.none, .none, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
  }

  /// Runs `body` with OpenBLAS's own threading at `threads`, then back to the
  /// engine's single-threaded OpenBLAS.
  static func withOpenBLASThreads<R>(_ threads: Int, _ body: () -> R) -> R {
    BLAS.setThreads(threads)
    defer { BLAS.setThreads(1) }
    return body()
  }

  /// Runs `product` once on a NaN-filled C (so unwritten entries fail) and
  /// compares `samples` seeded random entries (all when C is small) with a
  /// Double dot product. Tolerance: the rounding bound k·ε·Σ|a·b| of a float dot product.
  func check(_ product: () -> Void, samples: Int = 200) -> String? {
    c.update(repeating: .nan, count: m * n)
    product()
    var rng = SeededGenerator(seed: 0xC4EC)
    let total = m * n
    let count = min(samples, total)
    for s in 0..<count {
      let index = total <= samples ? s : Int(rng.next() % UInt64(total))
      let (i, j) = (index / n, index % n)
      var exact = 0.0, magnitude = 0.0
      for p in 0..<k {
        let term = Double(a[i * k + p]) * Double(b[p * n + j])
        exact += term
        magnitude += abs(term)
      }
      let got = Double(c[index])
      let tolerance = Double(k) * Double(Float.ulpOfOne) * magnitude + 1e-6
      if !(abs(got - exact) <= tolerance) {
        return "C[\(i), \(j)] = \(got), reference \(exact) (tolerance \(tolerance))"
      }
    }
    return nil
  }
}

enum GemmBenches {
  /// The workload contract's GEMM shapes (M, K, N).
  static let shapes: [(name: String, m: Int, k: Int, n: Int)] = [
    ("K1", 1024, 1024, 1024),  // peak reference
    ("K2", 12800, 96, 128),    // sequence projection: 256 sequences × 50 steps
    ("K3", 12800, 128, 128),   // attention projection
    ("K4", 256, 424, 256),     // MLP layer
  ]

  /// Kernels K1–K4 via Gemm.multiply, each with its plain-OpenBLAS reference (timed
  /// in a phase of their own, see main.swift). K1 first: every frac_of_k1 divides by it.
  static func cases() -> [BenchCase] {
    var cases: [BenchCase] = []
    for (index, shape) in shapes.enumerated() {
      let problem = GemmProblem(m: shape.m, n: shape.n, k: shape.k, seed: UInt64(index + 1))
      cases.append(BenchCase(
        name: shape.name, shape: problem.shape, flops: problem.flops,
        run: problem.multiplyWithGemm,
        check: { problem.check(problem.multiplyWithGemm) }))
      cases.append(BenchCase(
        name: shape.name + "-openblas", shape: problem.shape, flops: problem.flops,
        run: problem.multiplyWithOpenBLAS,
        check: { problem.check(problem.multiplyWithOpenBLAS) }, usesOpenBLASThreads: true))
    }
    return cases
  }
}
