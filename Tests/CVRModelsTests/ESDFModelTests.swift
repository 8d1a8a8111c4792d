// ESDF: the likelihood of unclicked, converted and censored exposures by hand
// for both delay models; gradients, overfit, round trip.
import CVRAutograd
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct ESDFModelTests {
  static func model(_ delay: DelayDistribution = .daySlots, seed: UInt64 = 3) throws -> ESDFModel {
    var config = ESDFModel.Config.demo
    config.frn = BaselineTesting.tinyFRN
    config.outputWidths = [5, 3]
    config.delay = delay
    config.delaySlots = 4
    return try ESDFModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  /// Unclicked, converted and censored rows, with a censored wait of at least one day.
  static func rows() -> [Int32] {
    let rows = BaselineTesting.mixedRows(count: 7, converted: 2)
    let batch = ModelFixture.shared.batch(rows)
    precondition((0..<batch.count).contains { batch.click[$0] == 1 && batch.conversion[$0] == 0 && batch.delay[$0] >= 24 })
    return rows
  }

  @Test(arguments: DelayDistribution.allCases)
  func lossIsTheCensoredLikelihood(delay: DelayDistribution) throws {
    let model = try Self.model(delay)
    let batch = ModelFixture.shared.batch(Self.rows())
    // The logits live in the tape's arena: keep the tape alive while they are read.
    let logitTape = Tape(recording: false)
    defer { withExtendedLifetime(logitTape) {} }
    let z = model.logits(batch, logitTape)
    var total = 0.0
    var cases = (unclicked: 0, converted: 0, censored: 0)
    for b in 0..<batch.count {
      let ctr = BaselineTesting.logSigmoid(z.ctr.data[b])
      let pCVR = exp(BaselineTesting.logSigmoid(z.cvr.data[b]).log)
      let days = Double(batch.delay[b]) / 24
      // log f(d) and S(e) straight from the definitions.
      var logDensity = 0.0, survival = 1.0
      switch delay {
      case .exponential:
        let lambda = exp(Double(z.delay.data[b]))
        logDensity = log(lambda) - lambda * days
        survival = exp(-lambda * days)
      case .daySlots:
        let hazards = (0..<3).map { 1 / (1 + exp(-Double(z.delay.data[b * 3 + $0]))) } + [1.0]
        let slot = min(Int(days), 3)
        logDensity = log(hazards[slot]) + (0..<slot).reduce(0.0) { $0 + log(1 - hazards[$1]) }
        survival = (0..<slot).reduce(1.0) { $0 * (1 - hazards[$1]) }
      }
      if batch.click[b] == 0 {
        total += ctr.log1m
        cases.unclicked += 1
      } else if batch.conversion[b] == 1 {
        total += ctr.log + log(pCVR) + logDensity
        cases.converted += 1
      } else {
        total += ctr.log + log(1 - pCVR + pCVR * survival)
        cases.censored += 1
      }
    }
    #expect(cases.unclicked > 0 && cases.converted > 0 && cases.censored > 0)
    let expected = -total / Double(batch.count)
    let loss = Double(model.loss(batch, Tape(recording: false)).scalar)
    #expect(abs(loss - expected) < 1e-5 * max(1, expected), "loss \(loss) expected \(expected)")
  }

  @Test func configurationIsChecked() {
    var config = ESDFModel.Config.demo
    config.delaySlots = 1
    #expect(throws: ModelError.self) {
      try ESDFModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: 1)
    }
  }

  @Test(arguments: DelayDistribution.allCases)
  func gradientsMatchFiniteDifferences(delay: DelayDistribution) throws {
    let model = try Self.model(delay)
    let batch = ModelFixture.shared.batch(Self.rows())
    let dense = BaselineTesting.denseGradientCheck(model, batch)
    #expect(dense.passed, "\(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(dense)")
    let rows = BaselineTesting.embeddingRowCheck(model, batch, table: "embedding.user_id")
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
    let model = try Self.model(.exponential, seed: 11)
    let batch = ModelFixture.shared.batch(Self.rows())
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { try ESDFModel(configuration: $0, schema: $1) }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
  }
}
