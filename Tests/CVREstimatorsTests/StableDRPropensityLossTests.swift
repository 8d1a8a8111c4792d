// StableDR's propensity step loss: finite-difference gradients with respect to
// the logits (the imputed errors get none), a hand-computed value on three cells,
// and η = 0 leaving the plain BCE of the observation pattern.
import CVRAutograd
import CVREstimators
import CVRTestSupport
import Foundation
import Testing

@Suite struct StableDRPropensityLossTests {
  @Test func finiteDifferenceGradients() {
    // Logits kept away from the clip (σ(z) in [0.12, 0.88]) so the penalty is smooth.
    let z = randomParameter("z", Shape(8), seed: 51, in: -2, 2)
    let h = randomParameter("imputed", Shape(8), seed: 52, in: 0.1, 1.5)
    let o: [Float] = [1, 0, 0, 1, 0, 1, 0, 0]
    func loss(_ tape: Tape) -> Tensor {
      tape.stableDRPropensityLoss(logits: tape.param(z), observed: tape.constant(o, Shape(8)), imputed: tape.param(h),
                                  penalty: 3)
    }
    let result = checkGradients([z], epsilon: 1e-2, absoluteTolerance: 1e-3, relativeTolerance: 1e-2, loss)
    #expect(result.passed && result.checked == 8, "\(result)")
    h.zeroGrad()
    let tape = Tape()
    tape.backward(loss(tape))
    #expect(h.grad.allSatisfy { $0 == 0 }, "the imputed errors got a gradient")
  }

  /// Cells z = [0, ln 3, −ln 3] (σ = 0.5, 0.75, 0.25), o = [1, 0, 1], ê = [0.2, 0.5, 0.8] (ē = 0.5):
  /// BCE = (ln 2 + ln 4 + ln 4)/3 = 5 ln 2/3;
  /// bracket = (1/3)[(1 − 2)(−0.3) + (1 − 0)(0) + (1 − 4)(0.3)] = (0.3 − 0.9)/3 = −0.2;
  /// L = 5 ln 2/3 + η · 0.04.
  @Test(arguments: [0.0, 1.0, 10.0] as [Float]) func handComputedValue(eta: Float) {
    let tape = Tape(recording: false)
    let loss = tape.stableDRPropensityLoss(
      logits: tape.constant([0, Float(log(3.0)), -Float(log(3.0))], Shape(3)), observed: tape.constant([1, 0, 1], Shape(3)),
      imputed: tape.constant([0.2, 0.5, 0.8], Shape(3)), penalty: eta)
    let expected = 5 * log(2.0) / 3 + Double(eta) * 0.04
    #expect(abs(Double(loss.scalar) - expected) < 1e-5, "η \(eta): \(loss.scalar) vs \(expected)")
  }
}
