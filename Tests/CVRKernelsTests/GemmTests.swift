// Each BLAS-backed product against a naive triple loop.
import CVRKernels
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

  @Test func rowSplitProductMatchesNaiveLoop() {
    // Tall enough to take the row-splitting path at 2 threads, with a ragged tail.
    let (m, n, k) = (2 * Gemm.splitRowsPerThread + 37, 9, 5)
    let previous = Threads.count
    Threads.set(2)
    defer { Threads.set(previous) }
    for transposeB in [false, true] {
      let a = randomArray(m * k, seed: 3), b = randomArray(k * n, seed: 4)
      var c = [Float](repeating: 0.5, count: m * n)
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          c.withUnsafeMutableBufferPointer { c in
            Gemm.multiply(.none, Transpose(transposeB), m: m, n: n, k: k, alpha: 2,
                          a: a.baseAddress!, b: b.baseAddress!, beta: 1, c: c.baseAddress!)
          }
        }
      }
      let expected = naiveProduct(a, b, m: m, n: n, k: k, transposeA: false, transposeB: transposeB)
      var worst: Float = 0
      for i in 0..<c.count { worst = max(worst, abs(c[i] - (2 * expected[i] + 0.5))) }
      #expect(worst <= 1e-4, "worst error \(worst)")
      #expect(Threads.count == 2, "thread setting restored")
    }
  }
}
