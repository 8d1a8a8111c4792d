// EGEAN's exposure pre-training model: in-batch negatives never pair a row with
// itself, both objectives equal their hand-computed values, gradients match
// finite differences, it overfits a batch, and a checkpoint round trip scores identically.
import CVRAutograd
import CVRCore
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct ExposurePretrainModelTests {
  static func model(objective: ExposurePretrainModel.Objective = .pointwise, negatives: Int = 2, seed: UInt64 = 3)
    throws -> ExposurePretrainModel
  {
    var config = ExposurePretrainModel.Config.demo
    config.widths = [6, 4]
    config.objective = objective
    config.negatives = negatives
    return try ExposurePretrainModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  @Test func negativesNeverPairARowWithItself() {
    for n in [1, 2, 3, 5, 64] {
      for k in [1, 3, 10] {
        for seed in 0..<20 as Range<UInt64> {
          var rng = SeededGenerator(seed: seed)
          let shifts = ExposurePretrainModel.negativeShifts(count: n, negatives: k, rng: &rng)
          #expect(shifts.count == min(k, n - 1) && Set(shifts).count == shifts.count, "n \(n) k \(k): \(shifts)")
          for s in shifts {
            #expect(s >= 1 && s < n)
            for b in 0..<n { #expect((b + s) % n != b) }
          }
        }
      }
    }
    // Seeded: same seed, same shifts; the draws cover more than one shift.
    var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
    let first = ExposurePretrainModel.negativeShifts(count: 50, negatives: 3, rng: &a)
    #expect(first == ExposurePretrainModel.negativeShifts(count: 50, negatives: 3, rng: &b))
    var c = SeededGenerator(seed: 10)
    let seen = Set((0..<20).flatMap { _ in ExposurePretrainModel.negativeShifts(count: 50, negatives: 1, rng: &c) })
    #expect(seen.count > 5)
  }

  /// The MLP's logit for user row `u` with item row `i`, built pair by pair.
  static func pairLogit(_ model: ExposurePretrainModel, _ user: Tensor, _ item: Tensor, _ u: Int, _ i: Int) -> Double {
    let tape = Tape(recording: false)
    let du = user.shape[1], di = item.shape[1]
    let pair = (0..<du).map { user.data[u * du + $0] } + (0..<di).map { item.data[i * di + $0] }
    return Double(model.mlp(tape.constant(pair, Shape(1, du + di)), tape).scalar)
  }

  @Test(arguments: [ExposurePretrainModel.Objective.pointwise, .sampledSoftmax])
  func lossEqualsTheHandComputedValue(_ objective: ExposurePretrainModel.Objective) throws {
    let model = try Self.model(objective: objective, negatives: 2)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 6))
    let n = batch.count
    let tape = Tape(seed: 42, recording: false)
    var draws = tape.rng
    let shifts = ExposurePretrainModel.negativeShifts(count: n, negatives: 2, rng: &draws)
    let loss = Double(model.loss(batch, tape).scalar)
    let embedTape = Tape(recording: false)
    defer { withExtendedLifetime(embedTape) {} }
    let e = model.trunk.embedder(batch, embedTape)
    var expected = 0.0
    for b in 0..<n {
      let real = Self.pairLogit(model, e.user!, e.item!, b, b)
      let negatives = shifts.map { Self.pairLogit(model, e.user!, e.item!, b, (b + $0) % n) }
      switch objective {
      case .pointwise:  // label 1 on the real pair, 0 on each negative; mean over n(1 + K) pairs
        expected += log1p(exp(-real)) + negatives.reduce(0) { $0 + log1p(exp($1)) }
      case .sampledSoftmax:
        expected += log(([real] + negatives).reduce(0) { $0 + exp($1) }) - real
      }
    }
    expected /= Double(objective == .pointwise ? n * (1 + shifts.count) : n)
    #expect(abs(loss - expected) < 1e-5 * max(1, expected), "loss \(loss) expected \(expected)")
    #expect(model.kind == "EGEAN-exposure" && model.trainingSpace == .exposure)
  }

  @Test func predictionIsTheRealPairsExposureProbability() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    let embedTape = Tape(recording: false)
    defer { withExtendedLifetime(embedTape) {} }
    let e = model.trunk.embedder(batch, embedTape)
    let scores = BaselineTesting.scores(model, batch)
    for b in 0..<batch.count {
      let p = 1 / (1 + exp(-Self.pairLogit(model, e.user!, e.item!, b, b)))
      #expect(abs(Double(scores[b]) - p) < 1e-6)
    }
  }

  @Test(arguments: [ExposurePretrainModel.Objective.pointwise, .sampledSoftmax])
  func gradientsMatchFiniteDifferences(_ objective: ExposurePretrainModel.Objective) throws {
    let model = try Self.model(objective: objective)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    // Kinks are detected at a 1 % slope difference: the 15 pairs' ReLUs put several
    // within ±ε = 1e-3 of some first-layer weights, so ε is 3e-4 (the analytic value is the h → 0 limit).
    let dense = checkGradients(model.trainableParameters.filter { $0.gradientLayout == .dense }, epsilon: 3e-4,
                               kinkTolerance: 0.01) { tape in model.loss(batch, tape) }
    #expect(dense.passed, "\(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(dense)")
    for table in ["embedding.item", "embedding.user_id"] {
      let rows = BaselineTesting.embeddingRowCheck(model, batch, table: table)
      #expect(rows.checked > 0 && rows.excess <= 0, "\(table) rows: \(rows)")
    }
  }

  @Test func overfitsASmallBatch() throws {
    let model = try Self.model(negatives: 3)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 16, converted: 2))
    let (first, last) = BaselineTesting.overfit(model, batch, steps: 200)
    #expect(last < first / 5, "loss \(first) → \(last)")
  }

  @Test func checkpointRoundTripScoresIdentically() throws {
    let model = try Self.model(seed: 11)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 9))
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { configuration, schema in
      try ModelKinds.restore(kind: "EGEAN-exposure", configuration: configuration, schema: schema)
    }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
  }
}
