// Activations and l2Normalize: forward values against Foundation, gradient
// checks on odd shapes, and the documented slopes exactly at the kinks.
import CVRAutograd
import CVRTestSupport
import Foundation
import Testing

private enum Activation: String, CaseIterable {
  case relu, leakyRelu, sigmoid, tanh, softplus, exp, log, clamp, l2Normalize

  func apply(_ tape: Tape, _ x: Tensor) -> Tensor {
    switch self {
    case .relu: tape.relu(x)
    case .leakyRelu: tape.leakyRelu(x, slope: 0.1)
    case .sigmoid: tape.sigmoid(x)
    case .tanh: tape.tanh(x)
    case .softplus: tape.softplus(x)
    case .exp: tape.exp(x)
    case .log: tape.log(x)
    case .clamp: tape.clamp(x, min: -0.5, max: 0.5)
    case .l2Normalize: tape.l2Normalize(x)
    }
  }

  /// Reference in Double, elementwise (l2Normalize has its own test).
  func reference(_ x: Double) -> Double {
    switch self {
    case .relu: Swift.max(x, 0)
    case .leakyRelu: x > 0 ? x : 0.1 * x
    case .sigmoid: 1 / (1 + Foundation.exp(-x))
    case .tanh: Foundation.tanh(x)
    case .softplus: Foundation.log1p(Foundation.exp(x))
    case .exp: Foundation.exp(x)
    case .log: Foundation.log(x)
    case .clamp: Swift.min(Swift.max(x, -0.5), 0.5)
    case .l2Normalize: .nan
    }
  }

  /// log needs positive inputs away from 0; the rest see both signs.
  var range: (Float, Float) { self == .log ? (0.5, 2) : (-3, 3) }
}

/// The gradient of Σ f(x) at the given points, from the tape.
private func gradientOfSum(_ values: [Float], _ f: (Tape, Tensor) -> Tensor) -> [Float] {
  let tape = Tape()
  let x = tape.variable(values, Shape(values.count))
  tape.backward(tape.sum(f(tape, x)))
  return tape.gradient(of: x)
}

@Suite struct ActivationGradientTests {
  @Test(arguments: Activation.allCases.filter { $0 != .l2Normalize })
  fileprivate func forwardMatchesReference(_ activation: Activation) {
    let x = randomParameter("x", Shape(17, 3), seed: 1, in: activation.range.0, activation.range.1)
    let tape = Tape()
    let y = activation.apply(tape, tape.param(x)).toArray()
    let want = x.values().map { Float(activation.reference(Double($0))) }
    let (ok, message) = allClose(y, want, rtol: 2e-6, atol: 1e-7)
    #expect(ok, "\(activation): \(message)")
  }

  @Test(arguments: Activation.allCases, [[1], [3], [17], [3, 17]])
  fileprivate func gradients(_ activation: Activation, _ dims: [Int]) {
    let x = randomParameter("x", Shape(dims), seed: 2, in: activation.range.0, activation.range.1)
    let result = checkGradients([x]) { tape in activation.apply(tape, tape.param(x)) }
    #expect(result.passed, "\(activation) \(dims): \(result)")
  }

  @Test func reluSlopeAtZeroIsZero() {
    #expect(gradientOfSum([0, -1, 2, -0.0]) { $0.relu($1) } == [0, 0, 1, 0])
  }

  @Test func leakyReluSlopeAtZeroIsTheSlope() {
    #expect(gradientOfSum([0, -1, 2, -0.0]) { $0.leakyRelu($1, slope: 0.25) } == [0.25, 0.25, 1, 0.25])
  }

  @Test func clampGradientIsZeroAtAndOutsideBothEdges() {
    let points: [Float] = [-2, -0.5, -0.49, 0, 0.49, 0.5, 2]
    #expect(gradientOfSum(points) { $0.clamp($1, min: -0.5, max: 0.5) } == [0, 0, 1, 1, 1, 0, 0])
    let tape = Tape()
    let y = tape.clamp(tape.constant(points, Shape(7)), min: -0.5, max: 0.5)
    #expect(y.toArray() == [-0.5, -0.5, -0.49, 0, 0.49, 0.5, 0.5])
  }

  @Test func saturatingActivationsStayFinite() {
    let tape = Tape()
    let x = tape.constant([-100, -30, 30, 100], Shape(4))
    let sigmoid = tape.sigmoid(x).toArray()
    #expect(sigmoid[0] == 0 && sigmoid[2] == 1 && sigmoid[3] == 1)
    #expect(abs(Double(sigmoid[1]) / Foundation.exp(-30.0) - 1) < 1e-6, "σ(−30) = \(sigmoid[1])")
    #expect(tape.tanh(x).toArray() == [-1, -1, 1, 1])
    let softplus = tape.softplus(x).toArray()
    #expect(softplus[0] >= 0 && softplus[0] < 1e-37 && softplus[2] == 30 && softplus[3] == 100)
    #expect(abs(Double(softplus[1]) / Foundation.exp(-30.0) - 1) < 1e-6, "softplus(−30) = \(softplus[1])")
  }

  @Test
  func notANumberPropagatesInsteadOfTrapping() {
    let tape = Tape()
    let x = tape.constant([.nan, 1], Shape(2))
    #expect(tape.sigmoid(x).toArray()[0].isNaN)
    #expect(tape.softplus(x).toArray()[0].isNaN)
    #expect(tape.exp(x).toArray()[0].isNaN)
    #expect(tape.binaryCrossEntropyWithLogits(x, labels: tape.constant([1, 0], Shape(2))).scalar.isNaN)
  }

  @Test func l2NormalizeForward() {
    let tape = Tape()
    let x = tape.constant([3, 4, 0, 0, 1e-20, 0], Shape(3, 2))
    let y = tape.l2Normalize(x).toArray()
    #expect(abs(y[0] - 0.6) < 1e-7 && abs(y[1] - 0.8) < 1e-7)
    #expect(y[2] == 0 && y[3] == 0, "a zero row stays zero instead of NaN")
    // Below epsilon the row is divided by epsilon: 1e-20 / 1e-12 = 1e-8.
    #expect(abs(y[4] - 1e-8) < 1e-14 && y[5] == 0)
  }

  @Test func l2NormalizeGradientOfAZeroRowIsOneOverEpsilon() {
    #expect(gradientOfSum([0, 0]) { $0.l2Normalize($1, epsilon: 0.5) } == [2, 2])
  }

  @Test func inferenceModeRecordsNothing() {
    let x = randomParameter("x", Shape(3, 17), seed: 3, in: 0.5, 2)
    let tape = Tape(recording: false)
    let t = tape.param(x)
    let outputs = Activation.allCases.map { $0.apply(tape, t) }
    #expect(tape.nodeCount == 0)
    #expect(outputs.allSatisfy { !$0.requiresGrad })
    #expect(!x.hasGrad)
  }
}
