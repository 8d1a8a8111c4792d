// Each BLAS-backed product against a naive triple loop.
import CVRCore
import CVRKernels
import Dispatch
import Testing

/// C = op(A)·op(B) by definition, in Double.
func naiveProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
  var c = [Float](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n {
      var s: Double = 0
      for p in 0..<k {
        let x = transposeA ? a[p * m + i] : a[i * k + p]
        let y = transposeB ? b[j * k + p] : b[p * n + j]
        s += Double(x) * Double(y)
      }
      c[i * n + j] = Float(s)
    }
  }
  return c
}

func randomArray(_ count: Int, seed: UInt64) -> [Float] {
  var rng = SeededGenerator(seed: seed)
  return (0..<count).map { _ in rng.nextFloat(in: -1, 1) }
}

@Suite struct GemmTests {
  @Test(arguments: [(1, 1, 1), (3, 17, 5), (17, 3, 1), (1, 17, 3), (33, 7, 65)])
  func productMatchesNaiveLoop(_ dims: (Int, Int, Int)) {
    let (m, n, k) = dims
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        let a = randomArray(m * k, seed: 1), b = randomArray(k * n, seed: 2)
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
          b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
              Gemm.multiply(Transpose(transposeA), Transpose(transposeB), m: m, n: n, k: k,
                            a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
            }
          }
        }
        let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        for i in 0..<c.count {
          #expect(abs(c[i] - expected[i]) <= 1e-5 * Float(k), "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB) at \(i)")
        }
      }
    }
  }
}

/// Tests that change the process-wide thread count run one at a time.
@Suite(.serialized) struct GemmThreadingTests {
  @Test func splitProductsMatchNaiveLoop() {
    // Big enough to split at 2 threads (m·n·k ≥ Gemm.minimumSplitWork), with ragged
    // block ends: by rows when op(A) = A, by columns when A is transposed.
    let (m, n, k) = (1061, 150, 37)
    #expect(m * n * k >= Gemm.minimumSplitWork)
    let previous = Threads.count
    Threads.set(2)
    defer { Threads.set(previous) }
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        let a = randomArray(m * k, seed: 3), b = randomArray(k * n, seed: 4)
        var c = [Float](repeating: 0.5, count: m * n)
        a.withUnsafeBufferPointer { a in
          b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
              Gemm.multiply(Transpose(transposeA), Transpose(transposeB), m: m, n: n, k: k, alpha: 2,
                            a: a.baseAddress!, b: b.baseAddress!, beta: 1, c: c.baseAddress!)
            }
          }
        }
        let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        var worst: Float = 0
        for i in 0..<c.count { worst = max(worst, abs(c[i] - (2 * expected[i] + 0.5))) }
        #expect(worst <= 1e-4, "tA=\(transposeA) tB=\(transposeB): worst error \(worst)")
      }
    }
    #expect(Threads.count == 2)
    #expect(BLAS.threads == 1, "OpenBLAS stays single-threaded; the engine splits")
  }


  /// OpenBLAS at one thread runs each call inline in the caller; several callers
  /// at once must not share packing buffers. Shapes reach its three paths:
  /// the small-matrix kernel (m·n·k ≤ 10⁶), the AVX-512 direct kernel
  /// (NN, m·n·k < 28·512²) and the packed kernel.
  @Test(arguments: [(40, 33, 50, false), (300, 128, 96, false), (700, 128, 96, false), (700, 128, 96, true)])
  func concurrentSingleThreadedCallsAgree(_ dims: (Int, Int, Int, Bool)) {
    let (m, n, k, transposeB) = dims
    let previous = Threads.count
    BLAS.setThreads(1)
    defer { Threads.set(previous) }
    let a = randomArray(m * k, seed: 5), b = randomArray(k * n, seed: 6)
    let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: false, transposeB: transposeB)
    let callers = 4, repetitions = 40
    let worst = worstErrorOfConcurrentProducts(
      a, b, expected, m: m, n: n, k: k, transposeB: transposeB, callers: callers,
      repetitions: repetitions
    ) { a, b, c in
      BLAS.sgemm(.none, Transpose(transposeB), m: m, n: n, k: k, a: a, lda: k,
                 b: b, ldb: transposeB ? k : n, c: c, ldc: n)
    }
    #expect(worst <= 1e-5 * Float(k), "worst error \(worst) over \(callers)×\(repetitions) concurrent calls")
  }

  /// Gemm.multiply called from several threads at once while it row-splits
  /// (nested concurrentPerform) stays correct.
  @Test func concurrentRowSplitProductsAgree() {
    let (m, n, k) = (1061, 128, 96)
    let previous = Threads.count
    Threads.set(2)
    defer { Threads.set(previous) }
    let a = randomArray(m * k, seed: 7), b = randomArray(k * n, seed: 8)
    let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: false, transposeB: false)
    let worst = worstErrorOfConcurrentProducts(
      a, b, expected, m: m, n: n, k: k, transposeB: false, callers: 3, repetitions: 20
    ) { a, b, c in
      Gemm.multiply(.none, .none, m: m, n: n, k: k, a: a, b: b, c: c)
    }
    #expect(worst <= 1e-5 * Float(k), "worst error \(worst)")
  }
}

/// Runs `product` `repetitions` times in each of `callers` concurrent threads,
/// each into its own NaN-filled C, and returns the largest |C − expected|.
func worstErrorOfConcurrentProducts(
  _ a: [Float], _ b: [Float], _ expected: [Float], m: Int, n: Int, k: Int, transposeB: Bool,
  callers: Int, repetitions: Int,
  _ product: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> Float {
  let outputs = UnsafeMutablePointer<Float>.allocate(capacity: callers * m * n)
  let errors = UnsafeMutablePointer<Float>.allocate(capacity: callers)
  defer { outputs.deallocate(); errors.deallocate() }
  errors.initialize(repeating: 0, count: callers)
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      expected.withUnsafeBufferPointer { expected in
        let shared = UncheckedSendable((a.baseAddress!, b.baseAddress!, expected.baseAddress!, outputs, errors))
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
          let (a, b, expected, outputs, errors) = shared.value
          let c = outputs + caller * m * n
          for _ in 0..<repetitions {
            c.update(repeating: .nan, count: m * n)
            product(a, b, c)
            for i in 0..<(m * n) {
              let error = abs(c[i] - expected[i])
              // NaN (an entry never written) must count as a failure.
              errors[caller] = error.isNaN ? .infinity : max(errors[caller], error)
            }
          }
        }
      }
    }
  }
  return (0..<callers).map { errors[$0] }.max() ?? 0
}
