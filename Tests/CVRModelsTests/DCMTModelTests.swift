// DCMT: the factual and counterfactual IPS halves, the prior and the CTR/CTCVR terms
// by hand (with the inverted counterfactual label and the EVI code's observed one),
// and the standard checks.
import CVRAutograd
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct DCMTModelTests {
  static func model(label: String = "inverted", seed: UInt64 = 3) throws -> DCMTModel {
    try #require(FlatBaselineTesting.build("DCMT", options: ["counterfactualLabel": .string(label)], seed: seed)
      as? DCMTModel)
  }

  @Test(arguments: ["inverted", "observed"]) func lossEqualsTheHandComputedTerms(_ label: String) throws {
    let model = try Self.model(label: label)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 7))
    // A named tape kept alive: z's tensors live in its arena.
    let zTape = Tape(recording: false)
    defer { withExtendedLifetime(zTape) {} }
    let z = model.logits(batch, zTape)
    let n = Double(batch.count)
    var ctr = 0.0, factual = 0.0, counter = 0.0, prior = 0.0, ctcvr = 0.0
    for b in 0..<batch.count {
      let o = Double(batch.click[b]), r = o * Double(batch.conversion[b])
      let pCTR = FlatBaselineTesting.sigmoid(z.ctr.data[b]), pCVR = FlatBaselineTesting.sigmoid(z.cvr.data[b])
      let pCF = FlatBaselineTesting.sigmoid(z.counterfactual.data[b])
      let rStar = label == "inverted" ? 1 - r : r
      ctr += FlatBaselineTesting.crossEntropy(o, logit: z.ctr.data[b]) / n
      factual += o * FlatBaselineTesting.crossEntropy(r, logit: z.cvr.data[b]) / FlatBaselineTesting.clipped(pCTR) / n
      counter += (1 - o) * FlatBaselineTesting.crossEntropy(rStar, logit: z.counterfactual.data[b])
        / FlatBaselineTesting.clipped(1 - pCTR) / n
      prior += abs(1 - pCVR - pCF) / n
      ctcvr += FlatBaselineTesting.crossEntropy(r, probability: pCTR * pCVR) / n
    }
    // A named tape kept alive: terms's tensors live in its arena.
    let termsTape = Tape(recording: false)
    defer { withExtendedLifetime(termsTape) {} }
    let terms = model.terms(batch, termsTape)
    FlatBaselineTesting.expectClose(terms.factual.scalar, factual, "factual")
    FlatBaselineTesting.expectClose(terms.counterfactual.scalar, counter, "counterfactual")
    FlatBaselineTesting.expectClose(terms.prior.scalar, prior, "prior")
    FlatBaselineTesting.expectClose(model.loss(batch, Tape(recording: false)).scalar,
                                    ctr + factual + counter + 0.001 * prior + ctcvr, "DCMT loss")
    #expect(model.config.priorWeight == 0.001 && model.config.ctcvrWeight == 1)
  }

  @Test func gradientsMatchFiniteDifferences() throws { FlatBaselineTesting.checkGradients(try Self.model()) }

  @Test func overfitsASmallBatch() throws { FlatBaselineTesting.checkOverfits(try Self.model()) }

  @Test func checkpointRoundTripScoresIdentically() throws {
    try FlatBaselineTesting.checkRoundTrip(try Self.model(seed: 11))
  }
}
