// MTL-IPS/DR and ESCM²-IPS/DR: each loss term equals its formula computed by hand
// in Double from the towers' logits, the defaults are the papers', and the standard
// checks (finite differences, overfit, round trip through the table) pass.
import CVRAutograd
import CVRData
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct CausalMultiTaskModelTests {
  static let kinds = ["MTL-IPS", "MTL-DR", "ESCM2-IPS", "ESCM2-DR"]

  static func model(_ kind: String, imputedError: String = "direct", seed: UInt64 = 3) throws -> CausalMultiTaskModel {
    try #require(FlatBaselineTesting.build(kind, options: ["imputedError": .string(imputedError)], seed: seed)
      as? CausalMultiTaskModel)
  }

  /// L_CTR, L_CVR (IPS or DR), L_IMP and L_CTCVR by hand, combined with the model's weights.
  static func handLoss(_ model: CausalMultiTaskModel, _ batch: Batch) -> Double {
    // A named tape kept alive: z's tensors live in its arena.
    let zTape = Tape(recording: false)
    defer { withExtendedLifetime(zTape) {} }
    let z = model.logits(batch, zTape)
    let n = Double(batch.count)
    var ctr = 0.0, cvr = 0.0, imp = 0.0, ctcvr = 0.0
    for b in 0..<batch.count {
      let o = Double(batch.click[b]), r = o * Double(batch.conversion[b])
      let pCTR = FlatBaselineTesting.sigmoid(z.ctr.data[b]), pCVR = FlatBaselineTesting.sigmoid(z.cvr.data[b])
      let e = FlatBaselineTesting.crossEntropy(r, logit: z.cvr.data[b])
      let p = FlatBaselineTesting.clipped(pCTR)
      ctr += FlatBaselineTesting.crossEntropy(o, logit: z.ctr.data[b]) / n
      ctcvr += FlatBaselineTesting.crossEntropy(r, probability: pCTR * pCVR) / n
      switch model.method {
      case .ips:
        cvr += o * e / p / n
      case .dr:
        let zi = Double(z.imputation!.data[b])
        let eHat = model.config.imputedError == .direct
          ? log1p(exp(zi)) : FlatBaselineTesting.crossEntropy(1 / (1 + exp(-zi)), probability: pCVR)
        cvr += (eHat + o * (e - eHat) / p) / n
        imp += o * (e - eHat) * (e - eHat) / p / n
      }
    }
    let c = model.config
    return Double(c.ctrWeight) * ctr + Double(c.cvrWeight) * (cvr + Double(c.imputationWeight) * imp)
      + Double(c.ctcvrWeight) * ctcvr
  }

  @Test(arguments: kinds) func lossEqualsTheHandComputedTerms(_ kind: String) throws {
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 7))
    for imputed in kind.hasSuffix("DR") ? ["direct", "label"] : ["direct"] {
      let model = try Self.model(kind, imputedError: imputed)
      let loss = model.loss(batch, Tape(recording: false)).scalar
      FlatBaselineTesting.expectClose(loss, Self.handLoss(model, batch), "\(kind) (\(imputed))")
    }
  }

  @Test func defaultsAreThePapers() throws {
    let mtl = try Self.model("MTL-DR"), escm = try Self.model("ESCM2-IPS")
    #expect(mtl.config.cvrWeight == 1 && mtl.config.ctcvrWeight == 0 && mtl.imputation != nil)
    #expect(escm.config.cvrWeight == 0.5 && escm.config.ctcvrWeight == 0.5 && escm.imputation == nil)
    #expect(mtl.config.propensityFloor == 0.05 && mtl.kind == "MTL-DR" && escm.method == .ips)
  }

  @Test func unclickedRowsTrainTheCVRTowerOnlyThroughImputedLabels() throws {
    // IPS and DR with the imputed error itself give the CVR tower no gradient from an
    // unclicked row; DR with an imputed label does (the row's ê depends on r̂).
    let pool = ModelFixture.shared.batch(ModelFixture.shared.rows(.train, .exposure, count: 200))
    let unclicked = (0..<pool.count).filter { pool.click[$0] == 0 }.map { pool.rows[$0] }
    let batch = ModelFixture.shared.batch(Array(unclicked.prefix(4)))
    #expect(batch.count == 4)
    for (kind, imputed, expectGradient) in [("MTL-IPS", "direct", false), ("MTL-DR", "direct", false),
                                             ("MTL-DR", "label", true)] {
      let model = try Self.model(kind, imputedError: imputed)
      for p in model.parameters { p.zeroGrad() }
      let tape = Tape()
      tape.backward(model.loss(batch, tape))
      let g = model.cvr.head.weight.grad.reduce(0) { $0 + abs($1) }
      #expect((g > 0) == expectGradient, "\(kind) \(imputed): |∂L/∂cvr.head| = \(g)")
    }
  }

  @Test(arguments: kinds) func gradientsMatchFiniteDifferences(_ kind: String) throws {
    FlatBaselineTesting.checkGradients(try Self.model(kind, imputedError: kind.hasPrefix("MTL") ? "direct" : "label"))
  }

  @Test(arguments: kinds) func overfitsASmallBatch(_ kind: String) throws {
    FlatBaselineTesting.checkOverfits(try Self.model(kind))
  }

  @Test(arguments: kinds) func checkpointRoundTripScoresIdentically(_ kind: String) throws {
    try FlatBaselineTesting.checkRoundTrip(try Self.model(kind, seed: 11))
  }
}
