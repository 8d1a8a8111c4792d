// ESMM on either trunk (FRN, flat): its loss is BCE(pCTR, click) + BCE(pCTR·pCVR,
// click·conversion) by hand, gradients match finite differences, it overfits a batch,
// a checkpoint round trip scores identically, and a checkpoint without the trunk key
// still loads as the FRN model.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct ESMMModelTests {
  static let trunks: [ESMMModel.Trunk] = [.frn, .flat]

  static func model(_ trunk: ESMMModel.Trunk = .frn, seed: UInt64 = 3) throws -> ESMMModel {
    var config = ESMMModel.Config.demoPreset
    config.trunk = trunk
    config.frn = BaselineTesting.tinyFRN
    config.outputWidths = [5, 3]
    config.towers = FlatBaselineTesting.tinyTowers
    return try ESMMModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  @Test(arguments: trunks) func lossIsCTRPlusCTCVRCrossEntropy(_ trunk: ESMMModel.Trunk) throws {
    let model = try Self.model(trunk)
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
    let flat = try Self.model(.flat).parameters.map(\.name)
    #expect(Set(flat).count == flat.count)
    #expect(flat.contains("ctr.body.0.weight") && flat.contains("cvr.head.weight") && !flat.contains { $0.hasPrefix("frn") })
  }

  @Test(arguments: trunks) func gradientsMatchFiniteDifferences(_ trunk: ESMMModel.Trunk) throws {
    let model = try Self.model(trunk)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    let dense = BaselineTesting.denseGradientCheck(model, batch)
    #expect(dense.passed, "\(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(dense)")
    let rows = BaselineTesting.embeddingRowCheck(model, batch, table: "embedding.item")
    #expect(rows.checked > 0 && rows.excess <= 0, "embedding rows: \(rows)")
  }

  @Test(arguments: trunks) func overfitsASmallBatch(_ trunk: ESMMModel.Trunk) throws {
    let model = try Self.model(trunk)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 24, converted: 4))
    let (first, last) = BaselineTesting.overfit(model, batch, steps: 150)
    #expect(last < first / 5, "loss \(first) → \(last)")
    let scores = BaselineTesting.scores(model, batch)
    let clicked = (0..<batch.count).filter { batch.click[$0] == 1 }
    let auc = BaselineTesting.auc(clicked.map { scores[$0] }, clicked.map { batch.conversion[$0] })
    #expect(auc > 0.99, "CVR AUC on the clicked rows \(auc)")
  }

  @Test(arguments: trunks) func checkpointRoundTripScoresIdentically(_ trunk: ESMMModel.Trunk) throws {
    let model = try Self.model(trunk, seed: 11)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 9))
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { try ESMMModel(configuration: $0, schema: $1) }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
    let restored = try ModelKinds.restore(kind: "ESMM", configuration: model.configuration, schema: ModelFixture.shared.schema)
    #expect((restored as? ESMMModel)?.config.trunk == trunk)
  }

  @Test func checkpointWithoutTheTrunkKeyLoadsAsFRN() throws {
    // A checkpoint written before `trunk` and `towers` existed: its configuration lacks both.
    let model = try Self.model(.frn, seed: 5)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 9))
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    guard case .object(let members) = model.configuration else { Issue.record("configuration is not an object"); return }
    let old = JSONValue.object(JSONObject(members.filter { $0.key != "trunk" && $0.key != "towers" }.map { ($0.key, $0.value) }))
    #expect(old != model.configuration)
    let url = try scratchDirectory().appendingPathComponent("old-esmm.ckpt")
    try Checkpoint.save(to: url, kind: "ESMM", config: old, seed: 0, step: 0, parameters: model.parameters)
    let copy = try ModelKinds.restore(kind: "ESMM", configuration: old, schema: ModelFixture.shared.schema)
    try Checkpoint.load(from: url, into: copy.parameters, expecting: "ESMM", config: old)
    #expect((copy as? ESMMModel)?.config.trunk == .frn)
    #expect(BaselineTesting.scores(model, batch).map(\.bitPattern) == BaselineTesting.scores(copy, batch).map(\.bitPattern))
  }
}
