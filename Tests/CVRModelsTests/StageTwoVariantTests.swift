// MetaCVR's stage-2 options (issue 15): the metric learns from the first step
// under the shipped defaults; every merge and the mulrelanet metric against
// hand-computed values and finite differences; the EPN's occasion inputs, the
// standardisation, the decay toward W = I, shuffled support labels, the probes,
// and old checkpoints restoring as the paper's model.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRData
import CVRModels
import CVROptim
import CVRTestSupport
import Foundation
import Testing

/// A tiny MetaCVR with the shipped defaults (`Config(...)`): centred F(x), pooled
/// support sets, standardised scores fitted on D's clicked rows of the fixture.
func shippedMetaCVR(_ metric: DistanceMetric, merge: OccasionMerge = .none, occasionInput: OccasionInput = .none,
                    layer: PrototypeLayer = .representation, seed: UInt64 = 11) throws -> MetaCVRModel {
  let fixture = ModelFixture.shared
  let base = try tinyBase(seed: seed)
  let plan = try FeaturePlan(schema: fixture.schema)
  var config = MetaCVRModel.Config(base: tinyBaseConfig(), metric: metric, nndmHidden: 5, occasions: plan.occasions.count,
                                   merge: merge, mergeHidden: 3, occasionInput: occasionInput)
  config.prototypeLayer = layer
  let rows = fixture.splits.rows(.train, space: .click)
  let center = Prototypes.layerMean(base: base, assembler: fixture.assembler, rows: rows, layer: layer, batchSize: 64)
  let prototypes = try Prototypes.compute(base: base, assembler: fixture.assembler, supportSets: fixtureSupportSets(),
                                          batchSize: 64, layer: layer, center: center)
  let model = try MetaCVRModel(base: base, prototypes: prototypes, config: config, center: center, seed: seed)
  model.fitScoreStatistics(assembler: fixture.assembler, rows: rows, batchSize: 64)
  return model
}

@Suite struct StageTwoVariantTests {
  // MARK: stage 2 trains

  /// The issue's bug: with w_occ = 0 at the start, ∂loss/∂W_occ = 0 on step 1. The shipped start is non-zero.
  @Test(arguments: [DistanceMetric.spdm, .mulrelanet, .nndm])
  func firstStepChangesTheMetricWeights(metric: DistanceMetric) throws {
    let model = try shippedMetaCVR(metric)
    let weight = model.dmn.parameters[0]
    let before = weight.values()
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 16))
    let tape = Tape()
    tape.reset()
    let loss = model.loss(batch, tape)
    tape.backward(loss)
    let gradNorm = weight.grad.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    #expect(gradNorm > 1e-4, "‖∂loss/∂\(weight.name)‖ = \(gradNorm) on the first step")
    Adam(model.trainableParameters, learningRate: 0.01).step()
    #expect(weight.values() != before)
  }

  /// The paper's start (w_occ = 0) gives W_occ no gradient on its first step: why the default is non-zero.
  @Test func thePapersZeroStartGivesTheMetricNoFirstGradient() throws {
    let model = try tinyMetaCVR(.spdm)
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 16))
    let tape = Tape()
    tape.backward(model.loss(batch, tape))
    #expect(model.dmn.parameters[0].grad.allSatisfy { $0 == 0 })
  }

  @Test func standardisedScoresHaveZeroMeanAndUnitSpreadOnTheirRows() throws {
    let model = try shippedMetaCVR(.spdm)
    let fixture = ModelFixture.shared
    let rows = fixture.splits.rows(.train, space: .click)
    let k = model.config.occasions
    var sum = [Double](repeating: 0, count: k), squares = sum
    let tape = Tape(recording: false)
    let batch = fixture.assembler.makeBatch(capacity: 64)
    fixture.assembler.forEachChunk(of: rows, in: batch) { batch, _ in
      tape.reset()
      let s = model.merge.normalized(model.occasionScores(batch, tape), tape)
      for i in 0..<batch.count { for o in 0..<k {
        sum[o] += Double(s.data[i * k + o])
        squares[o] += Double(s.data[i * k + o] * s.data[i * k + o])
      } }
    }
    let n = Double(rows.count)
    for o in 0..<k {
      #expect(abs(sum[o] / n) < 1e-3)
      #expect(abs((squares[o] / n - (sum[o] / n) * (sum[o] / n)).squareRoot() - 1) < 1e-3)
    }
  }

  /// loss = BCE + λ Σ‖W − I‖²_F: at W = I the decay is 0, with W = I + δ·e it is λδ² (the BCE read off the logits).
  @Test func identityDecayIsLambdaTimesTheSquaredDistanceToI() throws {
    let model = try shippedMetaCVR(.spdm)
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 10))
    func decayPart() -> Double {
      let tape = Tape(recording: false)
      let loss = Double(model.loss(batch, tape).data[0])
      let logits = model.logit(batch, tape)
      var bce = 0.0
      for i in 0..<batch.count {
        let z = Double(logits.data[i]), y = Double(batch.conversion[i])
        bce += max(z, 0) - z * y + Foundation.log(1 + Foundation.exp(-abs(z)))
      }
      return loss - bce / Double(batch.count)
    }
    #expect(abs(decayPart()) < 1e-6)
    model.dmn.parameters[0].value[3] += 0.5
    model.dmn.parameters[0].value[0] -= 0.25
    let expected = Double(model.config.identityDecay) * (0.25 + 0.0625)
    #expect(abs(decayPart() - expected) < 1e-6, "decay \(decayPart()), expected \(expected)")
  }

  // MARK: the mulrelanet metric

  /// K = 1, D = 2, F = (1, 2), p⁺ = e₁, p⁻ = e₂, W⁺ = [[1, 1], [0, 1]], W⁻ = [[2, 0], [0, −1]], b = 0.5:
  /// d⁺ = lrelu(Fᵀ W⁺ e₁) + b = lrelu(1) + 0.5 = 1.5, d⁻ = lrelu(Fᵀ W⁻ e₂) = lrelu(−2) = −0.4, s = 1.9.
  @Test func mulrelanetHandComputedValue() {
    var rng = SeededGenerator(seed: 1)
    let dmn = DistanceMetricNetwork(metric: .mulrelanet, occasions: 1, dim: 2, hidden: 1, rng: &rng)
    _ = dmn.parameters[0].value.update(fromContentsOf: [1, 1, 0, 1, 2, 0, 0, -1] as [Float])
    dmn.parameters[1].value[0] = 0.5
    let tape = Tape(recording: false)
    let f = tape.constant([1, 2], Shape(1, 2)), p = tape.constant([1, 0, 0, 1], Shape(1, 2, 2))
    let d = dmn.distances(f, prototypes: p, tape).toArray()
    #expect(abs(d[0] - 1.5) < 1e-6 && abs(d[1] - -0.4) < 1e-6, "\(d)")
    #expect(abs(dmn(f, prototypes: p, tape).toArray()[0] - 1.9) < 1e-6)
  }

  // MARK: merges

  /// s = [[1, −2, 0.5], [0.3, 0.4, −1]]; no normalisation.
  private let scores: [Float] = [1, -2, 0.5, 0.3, 0.4, -1]

  private func merged(_ merge: OccasionMerge, normalization: ScoreNormalization = .none,
                      setUp: (OccasionMergeNetwork) -> Void = { _ in }, layer: [Float] = [0, 0]) -> [Float] {
    var rng = SeededGenerator(seed: 2)
    let net = OccasionMergeNetwork(merge: merge, normalization: normalization, occasions: 3, inputDim: 1, hidden: 2,
                                   rng: &rng)
    setUp(net)
    let tape = Tape(recording: false)
    return net(tape.constant(scores, Shape(2, 3)), layer: tape.constant(layer, Shape(2, 1)), tape).toArray()
  }

  @Test func noMergeMaxAndMeanHandComputed() {
    #expect(merged(.none) == scores)
    #expect(merged(.max) == [1, 0.4])
    let mean = merged(.mean)
    #expect(abs(mean[0] - (-0.5 / 3)) < 1e-6 && abs(mean[1] - (-0.3 / 3)) < 1e-6)
  }

  /// Standardised with μ = (0.5, 0, 0), σ = (0.5, 1, 2): ŝ = [[1, −2, 0.25], [−0.4, 0.4, −0.5]]; max = (1, 0.4).
  @Test func standardizeThenMaxHandComputed() {
    let set = { (net: OccasionMergeNetwork) in net.setStatistics(mean: [0.5, 0, 0], std: [0.5, 1, 2]) }
    let out = merged(.none, normalization: .standardize, setUp: set)
    let expected: [Float] = [1, -2, 0.25, -0.4, 0.4, -0.5]
    #expect(zip(out, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(out)")
    #expect(merged(.max, normalization: .standardize, setUp: set) == [1, 0.4])
  }

  /// W₁ = [[1, 0, 1], [0, −1, 0]], b₁ = (0, 0.5), w₂ = (1, 2), b₂ = 0.1, slope 0.2:
  /// row 1: h = (1.5, 2.5) → 1.5 + 5 + 0.1 = 6.6; row 2: h = (−0.7 → −0.14, 0.1) → −0.14 + 0.2 + 0.1 = 0.16.
  @Test func fcMergeHandComputed() {
    let out = merged(.fc) { net in
      _ = net.fcHidden!.weight.value.update(fromContentsOf: [1, 0, 1, 0, -1, 0] as [Float])
      _ = net.fcHidden!.bias!.value.update(fromContentsOf: [0, 0.5] as [Float])
      _ = net.fcOutput!.weight.value.update(fromContentsOf: [1, 2] as [Float])
      net.fcOutput!.bias!.value[0] = 0.1
    }
    #expect(abs(out[0] - 6.6) < 1e-5 && abs(out[1] - 0.16) < 1e-5, "\(out)")
  }

  /// g = (1, 0) per row; U = (1, 1)ᵀ, a = 0 → h = (g, g); V = [[1, 0], [0, 0], [0, 1]], c = (0, 0, −1):
  /// row 1 logits (1, 0, 0) → w = (e, 1, 1)/(e + 2), m = (e − 2 + 0.5)/(e + 2);
  /// row 2 logits (0, 0, −1) → w = (1, 1, 1/e)/(2 + 1/e), m = (0.3 + 0.4 − 1/e)/(2 + 1/e).
  @Test func occasionAwareMergeHandComputed() {
    let out = merged(.occaware, setUp: { net in
      _ = net.awareHidden!.weight.value.update(fromContentsOf: [1, 1] as [Float])
      net.awareHidden!.bias!.value.update(repeating: 0)
      _ = net.awareOutput!.weight.value.update(fromContentsOf: [1, 0, 0, 0, 0, 1] as [Float])
      _ = net.awareOutput!.bias!.value.update(fromContentsOf: [0, 0, -1] as [Float])
    }, layer: [1, 0])
    let e = Float(M_E)
    #expect(abs(out[0] - (e - 1.5) / (e + 2)) < 1e-5, "\(out)")
    #expect(abs(out[1] - (0.7 - 1 / e) / (2 + 1 / e)) < 1e-5, "\(out)")
  }

  @Test(arguments: OccasionMerge.allCases)
  func mergeGradientsMatchFiniteDifferences(merge: OccasionMerge) {
    var rng = SeededGenerator(seed: 5)
    let net = OccasionMergeNetwork(merge: merge, normalization: .batchNorm, occasions: 4, inputDim: 3, hidden: 3, rng: &rng)
    for p in net.parameters where !p.isState { p.fill { rng.nextFloat(in: -1, 1) } }
    let s = randomParameter("s", Shape(5, 4), seed: 6, in: -2, 2), g = randomParameter("g", Shape(5, 3), seed: 7)
    let result = checkGradients([s, g] + net.trainableParameters, epsilon: 1e-3, kinkTolerance: 0.01) { tape in
      net(tape.param(s), layer: tape.param(g), tape)
    }
    #expect(result.passed, "\(result)")
  }

  @Test(arguments: OccasionMerge.allCases)
  func modelGradientsMatchFiniteDifferencesForEveryMerge(merge: OccasionMerge) throws {
    let model = try shippedMetaCVR(.mulrelanet, merge: merge, occasionInput: .ownScore)
    var rng = SeededGenerator(seed: 3)
    for p in model.epn.parameters { p.fill { rng.nextFloat(in: -1, 1) } }
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 6))
    let result = checkGradients(model.trainableParameters, epsilon: 1e-3, kinkTolerance: 2e-3) { tape in
      model.loss(batch, tape)
    }
    #expect(result.passed, "\(result)")
  }

  // MARK: the EPN's occasion inputs (beyond the paper)

  /// w = (1, 0.5, 0.25), c = 0.05, o = (0.1, 0.2, 0.3), occasion 1: 0.5 + 0.5 + 0.5 + 0.05 + 0.2 = 1.75.
  @Test func occasionOffsetsHandComputed() {
    var rng = SeededGenerator(seed: 1)
    let epn = EnsemblePredictionNetwork(inputs: 2, occasions: 3, batchNorm: false, occasionInput: .offsets, rng: &rng)
    _ = epn.linear.weight.value.update(fromContentsOf: [1, 0.5, 0.25] as [Float])
    epn.linear.bias!.value[0] = 0.05
    _ = epn.occasionOffset!.value.update(fromContentsOf: [0.1, 0.2, 0.3] as [Float])
    let tape = Tape(recording: false)
    let z = epn(baseLogit: tape.constant([0.5], Shape(1, 1)), occasionScores: tape.constant([1, 2], Shape(1, 2)),
                occasionOneHot: tape.constant([0, 1, 0], Shape(1, 3)), tape)
    #expect(abs(z.data[0] - 1.75) < 1e-6)
  }

  @Test func offsetsMoveOnlyTheirOccasionsSamples() throws {
    let model = try shippedMetaCVR(.spdm, occasionInput: .offsets)
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 16))
    let before = predictions(model, batch)
    model.epn.occasionOffset!.value[0] = 1
    let after = predictions(model, batch)
    #expect(Set((0..<batch.count).map { batch.occasions[$0] }).count > 1, "the batch needs several occasions")
    for i in 0..<batch.count {
      #expect((before[i] != after[i]) == (batch.occasions[i] == 0), "sample \(i) of occasion \(batch.occasions[i])")
    }
  }

  /// With every EPN weight 0 but the own-score input's (1) and no bias, the logit is ŝ at the sample's occasion.
  @Test func ownScoreIsTheSamplesOwnOccasionScore() throws {
    let model = try shippedMetaCVR(.spdm, occasionInput: .ownScore)
    let w = model.epn.linear.weight
    w.value.update(repeating: 0)
    w.value[w.value.count - 1] = 1
    model.epn.linear.bias!.value[0] = 0
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 16))
    let tape = Tape(recording: false)
    let logits = model.logit(batch, tape).toArray()
    let s = model.merge.normalized(model.occasionScores(batch, tape), tape).toArray()
    let k = model.config.occasions
    for i in 0..<batch.count {
      #expect(abs(logits[i] - s[i * k + Int(batch.occasions[i])]) < 1e-6)
    }
  }

  // MARK: prototypes

  @Test func shuffledSupportLabelsKeepSizesAndPoolButNotTheLabels() {
    let sets = fixtureSupportSets()
    let shuffled = SupportSets.shuffledLabels(sets, seed: 1)
    var moved = 0
    for (a, b) in zip(sets, shuffled) {
      #expect(a.occasion == b.occasion && a.positives.count == b.positives.count && a.negatives.count == b.negatives.count)
      #expect(Set(a.positives + a.negatives) == Set(b.positives + b.negatives))
      moved += Set(a.positives).subtracting(b.positives).count
    }
    #expect(moved > 0)
    #expect(SupportSets.shuffledLabels(sets, seed: 1).map(\.positives) == shuffled.map(\.positives))
  }

  @Test func pooledSupportSetsHoldEveryClickOfTheOccasionInTheRecentRange() throws {
    let fixture = ModelFixture.shared
    let plan = try FeaturePlan(schema: fixture.schema)
    let occasions = fixture.store.occasions!, conversions = fixture.store.conversions!
    let recent = fixture.splits.rows(.recent, space: .click)
    let usable = (0..<plan.occasions.count).filter { k in
      let mine = recent.filter { occasions[Int($0)] == Int32(k) }
      return mine.contains { conversions[Int($0)] > 0.5 } && mine.contains { conversions[Int($0)] <= 0.5 }
    }
    if usable.count == plan.occasions.count {
      let sets = try SupportSets.make(.allDays, splits: fixture.splits, names: plan.occasions)
      for set in sets {
        let mine = recent.filter { occasions[Int($0)] == Int32(set.occasion) }
        #expect(Set(set.positives + set.negatives) == Set(mine))
        #expect(set.positives.allSatisfy { conversions[Int($0)] > 0.5 })
      }
    } else {
      // The tiny world's D_r lacks some occasions' purchases: a clear error naming one.
      #expect(throws: ModelError.self) { try SupportSets.make(.allDays, splits: fixture.splits, names: plan.occasions) }
    }
  }

  @Test func outputHiddenLayerFeedsTheMetric() throws {
    let model = try shippedMetaCVR(.spdm, layer: .outputHidden)
    #expect(model.prototypes.dim == tinyBaseConfig().outputWidths[0])
    let batch = ModelFixture.shared.batch(mixedRows(.recent, count: 8))
    let tape = Tape(recording: false)
    #expect(model.metricInputs(batch, tape).layer.shape == Shape(8, tinyBaseConfig().outputWidths[0]))
    let scores = predictions(model, batch)
    #expect(scores.allSatisfy { $0.isFinite })
  }

  // MARK: checkpoints and probes

  @Test func aConfigWithoutTheNewKeysRestoresAsThePapersModel() throws {
    let paper = tinyMetaConfig(.spdm)
    guard case .object(var keys) = try JSONValue(encoding: paper) else { Issue.record("not an object"); return }
    for key in ["merge", "mergeHidden", "scoreNormalization", "initialOccasionWeight", "identityDecay", "prototypeLayer",
                "centering", "occasionInput", "prototypeSupport", "shuffledSupportLabels"] {
      #expect(keys[key] != nil, "\(key) is not encoded")
      keys[key] = nil
    }
    #expect(try JSONValue.object(keys).decode(MetaCVRModel.Config.self) == paper)
  }

  @Test(arguments: [(true, false), (false, true), (true, true)])
  func probesStartAtBaseAndHaveFiniteDifferenceGradients(offsets: Bool, linear: Bool) throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    let plan = try FeaturePlan(schema: fixture.schema)
    let rows = fixture.splits.rows(.train, space: .click)
    let center = Prototypes.layerMean(base: base, assembler: fixture.assembler, rows: rows, layer: .representation,
                                      batchSize: 64)
    let probe = try FrozenBaseProbe(
      base: base, config: .init(base: tinyBaseConfig(), occasions: plan.occasions.count, offsets: offsets, linear: linear),
      center: center)
    let batch = fixture.batch(mixedRows(.recent, count: 12))
    #expect(predictions(probe, batch) == predictions(base, batch))
    #expect(Set(probe.trainableParameters.map(\.name)).isDisjoint(with: base.parameters.map(\.name)))
    var rng = SeededGenerator(seed: 9)
    for p in probe.trainableParameters { p.fill { rng.nextFloat(in: -1, 1) } }
    let result = checkGradients(probe.trainableParameters, epsilon: 1e-3) { tape in probe.loss(batch, tape) }
    #expect(result.passed, "\(result)")
    let url = try saveCheckpoint(probe)
    let loaded = try ModelKinds.restore(kind: probe.kind, configuration: probe.configuration, schema: fixture.schema)
    try Checkpoint.load(from: url, into: loaded.parameters, expecting: probe.kind, config: probe.configuration)
    #expect(predictions(loaded, batch) == predictions(probe, batch))
  }
}
