// The gradient checker must be able to fail: an op with a deliberately wrong
// backward is caught, and a kink is skipped rather than reported as an error.
import CVRAutograd
import CVRTestSupport
import Testing

/// y = x² with a backward that claims dy/dx = x (half the truth).
private enum WrongSquare: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let x = node.a!.data
    for i in 0..<node.output.count { dx[i] += gradOutput[i] * x[i] }
  }
}

private func wrongSquare(_ x: Tensor, _ tape: Tape) -> Tensor {
  let out = tape.empty(x.shape)
  for i in 0..<x.count { out.data[i] = x.data[i] * x.data[i] }
  return tape.record(Node(WrongSquare.self, output: out, x))
}

@Suite struct GradientCheckerTests {
  @Test func catchesAWrongBackward() {
    let x = randomParameter("x", Shape(3, 5), seed: 1, in: 0.5, 2)
    let result = checkGradients([x]) { tape in wrongSquare(tape.param(x), tape) }
    #expect(!result.passed, "a backward off by a factor of two must fail: \(result)")
  }

  @Test func tapeAccumulatesOverMicroBatches() {
    let w = randomParameter("w", Shape(2, 3), seed: 2)
    let x = [Float](repeating: 1, count: 3)
    for _ in 0..<2 {
      let tape = Tape()
      let y = tape.linear(tape.constant(x, Shape(1, 3)), weight: tape.param(w), bias: nil)
      let ones: [Float] = [1, 1]
      ones.withUnsafeBufferPointer { tape.backward(y, gradient: $0.baseAddress!) }
    }
    // dy/dW = x for each output row, twice.
    #expect(w.grad.allSatisfy { $0 == 2 })
    w.zeroGrad()
    #expect(w.grad.allSatisfy { $0 == 0 })
  }

  @Test func inferenceModeRecordsNothing() {
    let w = randomParameter("w", Shape(4, 3), seed: 3)
    let tape = Tape(recording: false)
    let x = tape.constant([1, 2, 3], Shape(1, 3))
    let y = tape.linear(x, weight: tape.param(w), bias: nil)
    #expect(tape.nodeCount == 0)
    #expect(!y.requiresGrad)
    #expect(!w.hasGrad)
  }
}
