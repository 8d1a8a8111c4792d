// The oracles of issue 15 through the experiment runner: BASE with the occasion
// at f_b's input beats BASE on a world whose occasions differ a lot in CVR;
// TrueCVR scores D_v with the world's own probabilities; XGBoost sees the
// occasion only in the variant named so.
import CVRCore
import CVRData
import CVRMetrics
import CVRModels
import CVRSimulation
import CVRTestSupport
import CVRTraining
import CVRXGBoost
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct OracleTests {
  /// The tiny world where, from day 1 on, BP's CVR logit is 2.0 higher and AP's
  /// 2.0 lower, DP 1.0 higher, than the world's own (the shift knob used as an occasion effect):
  /// nothing among the features names the occasion except DP's discounts.
  static let world: (config: ExperimentConfig, files: SimulatedFiles) = {
    do {
      var c = DDFWorld.Config.tiny
      c.exposuresPerDay = 2_000
      c.fluctuation = DDFWorld.Fluctuation(shiftDay: 1, shiftIntercept: [0, 2.0, 1.0, -2.0])
      let directory = try scratchDirectory()
      let files = try DDFWorld.write(c, seed: 3, to: directory)
      var config = ExperimentConfig()
      config.data = files.data.path
      config.schema = files.schema.path
      // D_v holds DP, AP and NP days of the second promotion, D the first promotion and part of it.
      (config.trainDays, config.recentDays, config.validDays) = ("0-20", "14-20", "21-27")
      config.preset = .demo
      config.training.maxEpochs = 6
      config.training.batchSize = 64
      config.xgboost.rounds = 20
      config.threads = nil
      return (config, files)
    } catch { fatalError("OracleTests world: \(error)") }
  }()

  func run(_ models: [String], seeds: [UInt64] = [1]) throws -> (ExperimentOutcome, ExperimentData) {
    var config = Self.world.config
    config.models = models
    config.seeds = seeds
    let data = try ExperimentData(config: config)
    let experiment = Experiment(config: config, data: data, catalog: .standard(), output: try scratchDirectory(),
                                progress: ProgressLine(enabled: false))
    return (try experiment.run(), data)
  }

  @Test func baseWithTheOccasionBeatsBaseWhereOccasionsDiffer() throws {
    let (outcome, data) = try run(["BASE", "BASE+occasion", "TrueCVR"])
    let auc = { (name: String) in outcome.result[name, "auc"]!.mean }
    let loss = { (name: String) in outcome.result[name, "logloss"]!.mean }
    print("D_v AUC: BASE \(auc("BASE")), BASE+occasion \(auc("BASE+occasion")), TrueCVR \(auc("TrueCVR")); "
      + "log loss \(loss("BASE")), \(loss("BASE+occasion")), \(loss("TrueCVR"))")
    let scores = { (name: String) in outcome.scores.first { $0.name == name }!.scores.map(Double.init) }
    let paired = try #require(DeLong.difference(scoresA: scores("BASE+occasion"), scoresB: scores("BASE"),
                                                labels: data.validLabels))
    print("BASE+occasion − BASE: \(paired.difference) ± \(paired.standardError) (p = \(paired.pValue))")
    #expect(paired.lower > 0, "BASE+occasion should beat BASE: \(paired)")
    #expect(loss("BASE+occasion") < loss("BASE"))
    // The truth is the ceiling here: it beats both.
    #expect(auc("TrueCVR") > auc("BASE+occasion"))
  }

  @Test func trueCVRIsTheWorldsProbability() throws {
    let (outcome, data) = try run(["TrueCVR"], seeds: [1, 2])
    let column = try #require(data.store.truth["true_cvr"])
    let expected = data.validRows.map { column[Int($0)] }
    #expect(outcome.scores.map(\.name) == ["TrueCVR", "TrueCVR"])
    #expect(outcome.scores.allSatisfy { $0.scores == expected })
    #expect(outcome.runs.allSatisfy { !$0.hasCheckpoint && $0.training == nil })
  }

  @Test func xgboostSeesTheOccasionOnlyInItsNamedVariant() throws {
    let config = Self.world.config
    let data = try ExperimentData(config: config)
    let rows = data.splits.rows(.train, space: .click)
    let plain = try XGBoostFeatures(assembler: data.assembler, trainRows: rows)
    let withOccasion = try XGBoostFeatures(assembler: data.assembler, trainRows: rows, includeOccasion: true)
    #expect(!plain.names.contains("occasion"))
    #expect(withOccasion.names == plain.names + ["occasion"])
    let catalog = ModelCatalog.standard()
    #expect(catalog.entry("XGBoost")?.xgboostOccasion == false)
    #expect(catalog.entry("XGBoost+occasion")?.xgboostOccasion == true)
  }
}
