// MetaCVR's stage 2 in the experiment runner (issue 15): the shipped stage-2
// settings (Adam, log-loss stopping) reach the trainer, the probes run after
// BASE, the temporal holdout watches exactly the last days of D_r, and the
// optimizer key is checked.
import CVRCore
import CVRData
import CVRModels
import CVROptim
import CVRTestSupport
import CVRTraining
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct StageTwoExperimentTests {
  let fixture = TrainingFixture.shared

  private func run(_ models: [String], configure: (inout ExperimentConfig) -> Void = { _ in }) throws -> ExperimentOutcome {
    var config = fixture.experimentConfig(models: models, seeds: [1], epochs: 1)
    config.preset = .demo
    configure(&config)
    let catalog = ModelCatalog.standard()
    _ = try config.finish(catalog: catalog, order: try catalog.trainingOrder(ModelCatalog.expand(models, dmn: config.dmn)))
    let data = try ExperimentData(config: config)
    return try Experiment(config: config, data: data, catalog: catalog, output: try scratchDirectory(),
                          progress: ProgressLine(enabled: false)).run()
  }

  @Test func stageTwoAndTheProbesTrainWithTheShippedSettings() throws {
    // The tiny world's D_r lacks an occasion's purchases: MetaCVR-SPDM runs with
    // episodic prototypes (which reach back into D); the shuffled probe (one pooled
    // set) gets D_r = D (days 0–20).
    let models = ["BASE", "MetaCVR-SPDM", "BASE+offsets", "F-probe"]
    var outcome = try run(models) { config in
      config.dmn = ["spdm"]
      config.modelTraining["MetaCVR-SPDM"] = .object(["max_epochs": .integer(3)])
      config.modelOptions["MetaCVR-SPDM"] = .object(["episodicWindow": .integer(3)])
    }
    #expect(outcome.models == models)
    outcome.runs += try run(["BASE", "MetaCVR-SPDM-shuffled"]) { $0.recentDays = "0-20" }.runs.filter { $0.name != "BASE" }
    #expect(Set(outcome.runs.map(\.name)) == Set(models + ["MetaCVR-SPDM-shuffled"]))
    for run in outcome.runs where run.name != "BASE" {
      let training = try #require(run.training)
      #expect(training.earlyStopping.metric == .logLoss, "\(run.name)")
      #expect(run.holdoutSplit == .recent)
      #expect(run.metrics.auc.map { $0 > 0 && $0 < 1 } == true, "\(run.name): \(String(describing: run.metrics.auc))")
    }
    let spdm = try #require(outcome.runs.first { $0.name == "MetaCVR-SPDM" }?.training)
    #expect(spdm.epochsRun <= 3 && spdm.epochsRun >= 1)
  }

  @Test func lastDaysHoldoutWatchesOnlyTheLastDaysOfTheRecentRange() throws {
    let outcome = try run(["BASE", "BASE+offsets"]) { config in
      config.modelTraining["BASE+offsets"] = .object(["early_stopping_last_days": .integer(2), "max_epochs": .integer(1)])
    }
    let probe = try #require(outcome.runs.first { $0.name == "BASE+offsets" })
    let days = fixture.store.days!
    let expected = fixture.splits.rows(.recent, space: .click).filter { days[Int($0)] >= fixture.splits.recent.upper - 1 }
    #expect(probe.holdoutRows == expected.count)
    #expect(!expected.isEmpty)
  }

  @Test func theOptimizerKeyIsChecked() throws {
    var config = TrainingConfig()
    config.optimizer = "adam"
    #expect(Trainer.configured([], config) is Adam)
    config.optimizer = "sgd"
    #expect(throws: TrainingError.self) { try config.validate() }
    config.optimizer = "adagrad"
    config.earlyStoppingLastDays = -1
    #expect(throws: TrainingError.self) { try config.validate() }
  }
}
