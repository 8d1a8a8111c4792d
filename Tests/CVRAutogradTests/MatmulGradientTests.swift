// Gradient checks for matmul, batched matmul and linear, on small odd shapes.
import CVRAutograd
import CVRTestSupport
import Testing

@Suite struct MatmulGradientTests {
  @Test(arguments: [(1, 1, 1), (3, 17, 1), (17, 3, 5), (1, 3, 17)])
  func matmulGradients(_ dims: (Int, Int, Int)) {
    let (m, n, k) = dims
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        let a = randomParameter("A", transposeA ? Shape(k, m) : Shape(m, k), seed: 1)
        let b = randomParameter("B", transposeB ? Shape(n, k) : Shape(k, n), seed: 2)
        let result = checkGradients([a, b]) { tape in
          tape.matmul(tape.param(a), tape.param(b), transposeA: transposeA, transposeB: transposeB)
        }
        #expect(result.passed, "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB): \(result)")
      }
    }
  }

  @Test func matmulWithLeadingAxes() {
    let x = randomParameter("x", Shape(2, 3, 5), seed: 3)
    let w = randomParameter("w", Shape(5, 4), seed: 4)
    let result = checkGradients([x, w]) { tape in tape.matmul(tape.param(x), tape.param(w)) }
    #expect(result.passed, "\(result)")
  }

  @Test func batchedMatmulGradients() {
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        let a = randomParameter("A", transposeA ? Shape(2, 3, 5, 3) : Shape(2, 3, 3, 5), seed: 5)
        let b = randomParameter("B", transposeB ? Shape(2, 3, 1, 5) : Shape(2, 3, 5, 1), seed: 6)
        let result = checkGradients([a, b]) { tape in
          tape.batchedMatmul(tape.param(a), tape.param(b), transposeA: transposeA, transposeB: transposeB)
        }
        #expect(result.passed, "tA=\(transposeA) tB=\(transposeB): \(result)")
      }
    }
  }

  @Test(arguments: [true, false])
  func linearGradients(withBias: Bool) {
    let x = randomParameter("x", Shape(17, 3), seed: 7)
    let w = randomParameter("w", Shape(5, 3), seed: 8)
    let b = randomParameter("b", Shape(5), seed: 9)
    let result = checkGradients(withBias ? [x, w, b] : [x, w]) { tape in
      tape.linear(tape.param(x), weight: tape.param(w), bias: withBias ? tape.param(b) : nil)
    }
    #expect(result.passed, "\(result)")
  }

  @Test func frozenParameterGetsNoGradientWork() {
    let x = randomParameter("x", Shape(3, 4), seed: 10, requiresGrad: false)
    let w = randomParameter("w", Shape(2, 4), seed: 11, requiresGrad: false)
    let tape = Tape()
    let y = tape.linear(tape.param(x), weight: tape.param(w), bias: nil)
    #expect(!y.requiresGrad)
    #expect(tape.nodeCount == 0)
    #expect(!x.hasGrad && !w.hasGrad)
  }
}
