// ESM²: pCVR decomposes as y2·y3 + (1 − y2)·y4 and the loss is the sum of the
// CTR, CTAVR and CTCVR cross-entropies by hand; gradients, overfit, round trip.
import CVRAutograd
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct ESM2ModelTests {
  static func model(seed: UInt64 = 3, weights: (Float, Float, Float) = (1, 1, 1)) throws -> ESM2Model {
    var config = ESM2Model.Config.demo
    config.frn = BaselineTesting.tinyFRN
    config.outputWidths = [5, 3]
    (config.ctrWeight, config.ctavrWeight, config.ctcvrWeight) = weights
    return try ESM2Model(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  @Test func lossAndPCVRFollowTheDecomposition() throws {
    let model = try Self.model(weights: (0.5, 2, 1.5))
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    #expect((0..<batch.count).contains { batch.action[$0] == 1 }, "the batch needs a carted click")
    // The logits live in the tape's arena: keep the tape alive while they are read.
    let logitTape = Tape(recording: false)
    defer { withExtendedLifetime(logitTape) {} }
    let z = model.logits(batch, logitTape)
    let scores = BaselineTesting.scores(model, batch)
    var ctr = 0.0, ctavr = 0.0, ctcvr = 0.0
    func bce(_ y: Double, _ p: Double) -> Double { -(y * log(p) + (1 - y) * log(1 - p)) }
    for b in 0..<batch.count {
      func p(_ t: Tensor) -> Double { exp(BaselineTesting.logSigmoid(t.data[b]).log) }
      let y1 = p(z.ctr), y2 = p(z.action), y3 = p(z.buyAfterAction), y4 = p(z.buyWithoutAction)
      let pCVR = y2 * y3 + (1 - y2) * y4
      #expect(abs(Double(scores[b]) - pCVR) < 1e-5, "pCVR of sample \(b)")
      let click = Double(batch.click[b])
      ctr += bce(click, y1)
      ctavr += bce(click * Double(batch.action[b]), y1 * y2)
      ctcvr += bce(click * Double(batch.conversion[b]), y1 * pCVR)
    }
    let n = Double(batch.count)
    let expected = (0.5 * ctr + 2 * ctavr + 1.5 * ctcvr) / n
    let loss = Double(model.loss(batch, Tape(recording: false)).scalar)
    #expect(abs(loss - expected) < 1e-5 * max(1, expected), "loss \(loss) expected \(expected)")
  }

  @Test func parameterNamesAreUnique() throws {
    let names = try Self.model().parameters.map(\.name)
    #expect(Set(names).count == names.count)
  }

  @Test func negativeLossWeightsAreRefused() {
    #expect(throws: ModelError.self) { try Self.model(weights: (1, -1, 1)) }
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    let dense = BaselineTesting.denseGradientCheck(model, batch)
    #expect(dense.passed, "\(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(dense)")
    let rows = BaselineTesting.embeddingRowCheck(model, batch, table: "embedding.category")
    #expect(rows.checked > 0 && rows.excess <= 0, "embedding rows: \(rows)")
  }

  @Test func overfitsASmallBatch() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 24, converted: 4))
    let (first, last) = BaselineTesting.overfit(model, batch, steps: 150)
    #expect(last < first / 5, "loss \(first) → \(last)")
    let scores = BaselineTesting.scores(model, batch)
    let clicked = (0..<batch.count).filter { batch.click[$0] == 1 }
    let auc = BaselineTesting.auc(clicked.map { scores[$0] }, clicked.map { batch.conversion[$0] })
    #expect(auc > 0.99, "CVR AUC on the clicked rows \(auc)")
  }

  @Test func checkpointRoundTripScoresIdentically() throws {
    let model = try Self.model(seed: 11)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 9))
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { try ESM2Model(configuration: $0, schema: $1) }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
  }
}
