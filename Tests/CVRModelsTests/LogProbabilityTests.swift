// Products and mixtures of probabilities in log space: the values match
// Double arithmetic even where p·q underflows or 1 − p·q rounds to 0, and the
// gradients match finite differences.
import CVRAutograd
import CVRCore
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct LogProbabilityTests {
  static let logits: [Float] = [-40, -3, -0.5, 0, 0.7, 4, 35]

  func sigmoid(_ z: Float) -> Double { 1 / (1 + exp(-Double(z))) }

  @Test func productAndMixtureMatchDoubleArithmetic() {
    let tape = Tape(recording: false)
    let n = Self.logits.count
    let a = tape.constant(Self.logits, Shape(n))
    let b = tape.constant(Self.logits.reversed(), Shape(n))
    let g = tape.constant(Self.logits.map { $0 / 3 }, Shape(n))
    let pa = LogProbability.sigmoid(a, tape), pb = LogProbability.sigmoid(b, tape)
    let product = pa.times(pb, tape)
    let mixture = LogProbability.mixture(gate: LogProbability.sigmoid(g, tape), pa, pb, tape)
    for i in 0..<n {
      let x = sigmoid(a.data[i]), y = sigmoid(b.data[i]), w = sigmoid(g.data[i])
      // 1 − σ(a)σ(b) computed without cancellation: (e^−a + e^−b + e^−a−b) / ((1 + e^−a)(1 + e^−b)).
      let ea = exp(-Double(a.data[i])), eb = exp(-Double(b.data[i]))
      let oneMinusProduct = (ea + eb + ea * eb) / ((1 + ea) * (1 + eb))
      #expect(abs(Double(product.log.data[i]) - log(x * y)) < 1e-4 * max(1, abs(log(x * y))))
      #expect(abs(Double(product.log1m.data[i]) - log(oneMinusProduct)) < 1e-4 * max(1, abs(log(oneMinusProduct))))
      let m = w * x + (1 - w) * y
      let oneMinusM = w * (1 - x) + (1 - w) * (1 - y)
      #expect(abs(Double(mixture.log.data[i]) - log(m)) < 1e-4 * max(1, abs(log(m))))
      #expect(abs(Double(mixture.log1m.data[i]) - log(oneMinusM)) < 1e-4 * max(1, abs(log(oneMinusM))))
      #expect(product.log1m.data[i].isFinite && mixture.log.data[i].isFinite)
    }
  }

  @Test func crossEntropyIsTheWeightedMeanOfBothBranches() {
    let tape = Tape(recording: false)
    let z: [Float] = [-2, 0.3, 1.5]
    let p = LogProbability.sigmoid(tape.constant(z, Shape(3)), tape)
    let loss = p.crossEntropy(labels: tape.constant([1, 0, 1], Shape(3)),
                              weights: tape.constant([1, 2, 0.5], Shape(3)), tape)
    let expected = -(log(sigmoid(-2)) + 2 * log(1 - sigmoid(0.3)) + 0.5 * log(sigmoid(1.5))) / 3
    #expect(abs(Double(loss.scalar) - expected) < 1e-5)
  }

  @Test(arguments: [1, 3, 17])
  func gradientsOfProductMixtureAndCrossEntropy(n: Int) {
    let a = randomParameter("a", Shape(n), seed: 1, in: -4, 4)
    let b = randomParameter("b", Shape(n), seed: 2, in: -4, 4)
    let g = randomParameter("g", Shape(n), seed: 3, in: -4, 4)
    var rng = SeededGenerator(seed: 4)
    let labels = (0..<n).map { _ in Float(rng.nextFloat(in: 0, 1) < 0.5 ? 0 : 1) }
    let result = checkGradients([a, b, g], epsilon: 1e-3) { tape in
      let pa = LogProbability.sigmoid(tape.param(a), tape), pb = LogProbability.sigmoid(tape.param(b), tape)
      let pg = LogProbability.sigmoid(tape.param(g), tape)
      let mixed = LogProbability.mixture(gate: pg, pa, pb, tape).times(pa, tape)
      let y = tape.constant(labels, Shape(n)), w = tape.constant([Float](repeating: 1, count: n), Shape(n))
      return tape.add(mixed.crossEntropy(labels: y, weights: w, tape), tape.sum(mixed.log1m))
    }
    #expect(result.passed, "\(result)")
  }
}
