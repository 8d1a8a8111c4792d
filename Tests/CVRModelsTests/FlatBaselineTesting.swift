// What the tests of the EGEAN family's baselines share: tiny flat towers, the
// standard checks (finite differences, overfit, checkpoint round trip through the
// model table) and the hand-computed pieces of their losses in Double.
import CVRAutograd
import CVRCore
import CVRData
import CVRModels
import CVRTestSupport
import Foundation
import Testing

enum FlatBaselineTesting {
  /// Towers small enough for finite differences.
  static let tinyTowers = FlatTowerConfig(widths: [5, 3])

  static var plan: FeaturePlan { get throws { try FeaturePlan(schema: ModelFixture.shared.schema) } }

  /// A fresh model of `kind` from the table, demo preset with tiny towers laid over it
  /// (at key `towersKey`, or inside `base` when `nested`).
  static func build(_ kind: String, options: [String: JSONValue] = [:], nested: Bool = false, seed: UInt64 = 3)
    throws -> any CVRModel
  {
    var merged = options
    let towers = try JSONValue(encoding: tinyTowers)
    if nested { merged["base"] = .object(["towers": towers]) } else if merged["towers"] == nil { merged["towers"] = towers }
    let request = try ModelBuildRequest(name: kind, plan: plan, options: .object(JSONObject(merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })), preset: .demo, seed: seed)
    let build = try #require(ModelKinds.named(kind)?.build, "\(kind) has no build entry")
    return try build(request)
  }

  /// Dense parameters and the item embedding rows agree with finite differences of the
  /// loss with its detached inputs (propensity, pseudo-labels) held at their values.
  static func checkGradients(_ model: any HoldsDetachedInputs, rows: Int = 5) {
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: rows))
    let held = model.heldInputs(batch)
    let loss: (Tape) -> Tensor = { model.loss(batch, $0, holding: held) }
    let params = model.trainableParameters.filter { $0.gradientLayout == .dense }
    let dense = CVRTestSupport.checkGradients(params, epsilon: 1e-3, kinkTolerance: 0.05, loss)
    #expect(dense.passed, "\(model.kind): \(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(model.kind): \(dense)")
    let table = BaselineTesting.embeddingRowCheck(model, batch, table: "embedding.item", loss: loss)
    #expect(table.checked > 0 && table.excess <= 0, "\(model.kind) embedding rows: \(table)")
  }

  /// The loss falls five-fold on a small batch and pCVR ranks its clicked rows.
  static func checkOverfits(_ model: any CVRModel, steps: Int = 150, factor: Float = 5) {
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 24, converted: 4))
    let (first, last) = BaselineTesting.overfit(model, batch, steps: steps)
    #expect(last < first / factor, "\(model.kind): loss \(first) → \(last)")
    let scores = BaselineTesting.scores(model, batch)
    let clicked = (0..<batch.count).filter { batch.click[$0] == 1 }
    let auc = BaselineTesting.auc(clicked.map { scores[$0] }, clicked.map { batch.conversion[$0] })
    #expect(auc > 0.99, "\(model.kind): CVR AUC on the clicked rows \(auc)")
  }

  /// Save, restore through `ModelKinds.restore` and load: identical scores, bit for bit.
  static func checkRoundTrip(_ model: any CVRModel) throws {
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 9))
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    let (before, after) = try BaselineTesting.roundTrip(model, batch) {
      try ModelKinds.restore(kind: model.kind, configuration: $0, schema: $1)
    }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern), "\(model.kind)")
    #expect(model.trainingSpace == .exposure && model.heads == [.ctr, .cvr, .ctcvr])
  }

  /// −[y log σ(z) + (1 − y) log(1 − σ(z))] in Double.
  static func crossEntropy(_ y: Double, logit z: Float) -> Double {
    let s = BaselineTesting.logSigmoid(z)
    return -(y * s.log + (1 - y) * s.log1m)
  }

  /// −[y log p + (1 − y) log(1 − p)] for a probability p.
  static func crossEntropy(_ y: Double, probability p: Double) -> Double { -(y * log(p) + (1 - y) * log(1 - p)) }

  static func sigmoid(_ z: Float) -> Double { 1 / (1 + exp(-Double(z))) }

  /// The propensity clip's default, min(max(p, 0.05), 1).
  static func clipped(_ p: Double) -> Double { min(max(p, 0.05), 1) }

  static func expectClose(_ got: Float, _ want: Double, _ what: String) {
    #expect(abs(Double(got) - want) < 2e-5 * max(1, abs(want)), "\(what): \(got) expected \(want)")
  }
}
