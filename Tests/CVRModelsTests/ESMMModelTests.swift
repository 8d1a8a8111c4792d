// ESMM: its loss is BCE(pCTR, click) + BCE(pCTR·pCVR, click·conversion) by hand,
// gradients match finite differences, it overfits a batch, and a checkpoint
// round trip scores identically.
import CVRAutograd
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct ESMMModelTests {
  static func model(seed: UInt64 = 3) throws -> ESMMModel {
    var config = ESMMModel.Config.demo
    config.frn = BaselineTesting.tinyFRN
    config.outputWidths = [5, 3]
    return try ESMMModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  @Test func lossIsCTRPlusCTCVRCrossEntropy() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    let tape = Tape(recording: false)
    let z = model.logits(batch, tape)
    var expected = 0.0
    for b in 0..<batch.count {
      let ctr = BaselineTesting.logSigmoid(z.ctr.data[b]), cvr = BaselineTesting.logSigmoid(z.cvr.data[b])
      let click = Double(batch.click[b]), buy = Double(batch.click[b] * batch.conversion[b])
      let pCTCVR = exp(ctr.log + cvr.log)
      expected -= click * ctr.log + (1 - click) * ctr.log1m
      expected -= buy * log(pCTCVR) + (1 - buy) * log(1 - pCTCVR)
    }
    expected /= Double(batch.count)
    let loss = Double(model.loss(batch, Tape(recording: false)).scalar)
    #expect(abs(loss - expected) < 1e-5 * max(1, expected), "loss \(loss) expected \(expected)")
    #expect(model.trainingSpace == .exposure && model.kind == "ESMM")
  }

  @Test func parameterNamesAreUnique() throws {
    let names = try Self.model().parameters.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(names.contains("ctr.main_net.0.weight") && names.contains("cvr.output.2.weight"))
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    let dense = BaselineTesting.denseGradientCheck(model, batch)
    #expect(dense.passed, "\(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(dense)")
    let rows = BaselineTesting.embeddingRowCheck(model, batch, table: "embedding.item")
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
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { try ESMMModel(configuration: $0, schema: $1) }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
  }
}
