// Losses: binary cross-entropy on logits (hand values, stability at |z| = 100,
// per-sample weights) and squared error, with gradient checks.
import CVRAutograd
import CVRTestSupport
import Foundation
import Testing

/// 0/1 labels drawn from a seed.
private func labels(_ count: Int, seed: UInt64) -> [Float] {
  randomParameter("labels", Shape(count), seed: seed).values().map { $0 < 0 ? 0 : 1 }
}

@Suite struct LossGradientTests {
  @Test func crossEntropyAtZeroLogitIsLn2() {
    let tape = Tape()
    let z = tape.constant([0, 0], Shape(2))
    let loss = tape.binaryCrossEntropyWithLogits(z, labels: tape.constant([1, 0], Shape(2)))
    #expect(loss.shape == Shape())
    #expect(abs(Double(loss.scalar) - Foundation.log(2)) < 1e-7)
  }

  @Test func crossEntropyByHand() {
    let tape = Tape()
    let z = tape.variable([2, -1, 0.5], Shape(3, 1))
    let y: [Float] = [1, 0, 0.25]
    let loss = tape.binaryCrossEntropyWithLogits(z, labels: tape.constant(y, Shape(3, 1)))
    // −[y log σ(z) + (1 − y) log(1 − σ(z))] averaged.
    let logits: [Double] = [2, -1, 0.5]
    var want: Double = 0
    for i in 0..<3 {
      let s = 1 / (1 + Foundation.exp(-logits[i])), yi = Double(y[i])
      want -= (yi * Foundation.log(s) + (1 - yi) * Foundation.log(1 - s)) / 3
    }
    #expect(abs(Double(loss.scalar) - want) < 1e-6)
    tape.backward(loss)
    let grad = tape.gradient(of: z)
    for i in 0..<3 {
      let want = (1 / (1 + Foundation.exp(-logits[i])) - Double(y[i])) / 3
      #expect(abs(Double(grad[i]) - want) < 1e-7, "dL/dz[\(i)] = \(grad[i]), want \(want)")
    }
  }

  @Test func crossEntropyIsStableAtLargeLogits() {
    let tape = Tape()
    let z = tape.variable([100, -100, 100, -100], Shape(4))
    let loss = tape.binaryCrossEntropyWithLogits(z, labels: tape.constant([1, 0, 0, 1], Shape(4)))
    // Right answers cost e^−100 ≈ 0; wrong ones cost 100 each: mean 50.
    #expect(loss.scalar.isFinite && abs(loss.scalar - 50) < 1e-5)
    tape.backward(loss)
    #expect(tape.gradient(of: z) == [0, 0, 0.25, -0.25])
  }

  @Test func weightedCrossEntropyByHandDividesByN() {
    let tape = Tape()
    let z = tape.variable([0, 2], Shape(2))
    let w: [Float] = [2, 0.5]
    let loss = tape.binaryCrossEntropyWithLogits(
      z, labels: tape.constant([1, 0], Shape(2)), weights: tape.constant(w, Shape(2)))
    // (2·ln 2 + 0.5·(2 + ln(1 + e^−2))) / 2, the mean over N = 2, not over Σw.
    let want = (2 * Foundation.log(2.0) + 0.5 * (2 + Foundation.log1p(Foundation.exp(-2.0)))) / 2
    #expect(abs(Double(loss.scalar) - want) < 1e-6)
    tape.backward(loss)
    let grad = tape.gradient(of: z)
    let sigma2 = 1 / (1 + Foundation.exp(-2.0))
    #expect(abs(Double(grad[0]) - 2 * (0.5 - 1) / 2) < 1e-7)
    #expect(abs(Double(grad[1]) - 0.5 * sigma2 / 2) < 1e-7)
  }

  @Test func labelsAndWeightsGetNoGradient() {
    let tape = Tape()
    let z = tape.variable([0.3, -0.2], Shape(2))
    let y = tape.variable([1, 0], Shape(2))
    let w = tape.variable([1, 2], Shape(2))
    tape.backward(tape.binaryCrossEntropyWithLogits(z, labels: y, weights: w))
    #expect(tape.gradient(of: y) == [0, 0])
    #expect(tape.gradient(of: w) == [0, 0])
    #expect(tape.gradient(of: z).allSatisfy { $0 != 0 })
  }

  @Test(arguments: [[1], [3], [17], [17, 1]], [false, true])
  func crossEntropyGradients(_ dims: [Int], _ weighted: Bool) {
    let z = randomParameter("z", Shape(dims), seed: 1, in: -4, 4)
    let count = z.value.count
    let y = labels(count, seed: 2)
    let w = randomParameter("w", Shape(dims), seed: 3, in: 0.5, 2, requiresGrad: false)
    let result = checkGradients([z]) { tape in
      tape.binaryCrossEntropyWithLogits(
        tape.param(z), labels: tape.constant(y, Shape(dims)), weights: weighted ? tape.param(w) : nil)
    }
    #expect(result.passed, "\(dims) weighted=\(weighted): \(result)")
  }

  @Test func squaredErrorByHand() {
    let tape = Tape()
    let p = tape.variable([1, 2, 3], Shape(3))
    let t = tape.variable([0, 2, 5], Shape(3))
    let loss = tape.squaredError(p, t)
    #expect(loss.shape == Shape() && loss.scalar == 5 / 3)
    tape.backward(loss)
    // 2(p − t)/N = [2/3, 0, −4/3]; the target gets the negative.
    #expect(tape.gradient(of: p) == [2.0 / 3, 0, -4.0 / 3])
    #expect(tape.gradient(of: t) == [-2.0 / 3, 0, 4.0 / 3])
  }

  @Test(arguments: [[1], [3], [17, 3]])
  func squaredErrorGradients(_ dims: [Int]) {
    let p = randomParameter("p", Shape(dims), seed: 4)
    let t = randomParameter("t", Shape(dims), seed: 5)
    let result = checkGradients([p, t]) { tape in tape.squaredError(tape.param(p), tape.param(t)) }
    #expect(result.passed, "\(dims): \(result)")
  }

  @Test func inferenceModeRecordsNothing() {
    let z = randomParameter("z", Shape(17), seed: 6)
    let tape = Tape(recording: false)
    let zt = tape.param(z)
    let y = tape.constant(labels(17, seed: 7), Shape(17))
    let outputs = [tape.binaryCrossEntropyWithLogits(zt, labels: y, weights: zt), tape.squaredError(zt, y)]
    #expect(tape.nodeCount == 0)
    #expect(outputs.allSatisfy { !$0.requiresGrad })
    #expect(!z.hasGrad)
  }
}
