// The shared CVR losses of the EGEAN family's baselines (IPS; DR with either imputed
// error, each with its imputation loss) against golden values that
// Scripts/golden-causal-cvr-loss.py computes term by term on a four-row fixture.
import CVRAutograd
import CVREstimators
import CVRModels
import Testing

@Suite struct CausalCVRLossGoldenTests {
  // The script's fixture; row 0's pCTR (≈ 0.029) sits below the 0.05 clip floor.
  static let zCTR: [Float] = [-3.5, 0.4, -0.2, 1.1]
  static let zCVR: [Float] = [0.3, -1.2, 0.8, -0.5]
  static let zImp: [Float] = [-0.7, 0.9, 0.1, -1.6]
  static let click: [Float] = [1, 1, 0, 1]
  static let conversion: [Float] = [1, 0, 0, 1]

  /// (L_CVR, L_IMP) of `method` on the fixture.
  static func losses(_ method: CVRDebiasing, _ imputed: ImputedError) -> (cvr: Float, imputation: Float?) {
    let tape = Tape()
    let labels = ExposureLabels(click: click, conversion: conversion, tape)
    let cvr = LogProbability.sigmoid(tape.constant(zCVR, Shape(4)), tape)
    let (l, imp) = causalCVRLoss(
      method, cvr: cvr, imputationLogits: tape.constant(zImp, Shape(4)), imputedError: imputed, labels: labels,
      propensity: clickPropensity(ctrLogits: tape.constant(zCTR, Shape(4)), tape), clip: .standard, tape)
    return (l.scalar, imp?.scalar)
  }

  static func close(_ got: Float?, _ want: Double) -> Bool { got.map { abs(Double($0) - want) < 2e-6 } ?? false }

  @Test func ipsMatchesTheScript() {
    let (cvr, imp) = Self.losses(.ips, .direct)
    #expect(Self.close(cvr, 3.206297479), "IPS \(cvr)")
    #expect(imp == nil)
  }

  @Test func drWithTheImputedErrorMatchesTheScript() {
    let (cvr, imp) = Self.losses(.dr, .direct)
    #expect(Self.close(cvr, 1.253966522), "DR \(cvr)")
    #expect(Self.close(imp, 0.721618213), "IMP \(String(describing: imp))")
  }

  @Test func drWithAnImputedLabelMatchesTheScript() {
    let (cvr, imp) = Self.losses(.dr, .label)
    #expect(Self.close(cvr, -0.424809326), "DR \(cvr)")
    #expect(Self.close(imp, 0.562515880), "IMP \(String(describing: imp))")
  }
}
