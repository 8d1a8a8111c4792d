// The trainer: early stopping on validation AUC restores the best epoch, patience
// 0 never stops early, the same seed gives the same run, and a real model learns.
import CVRAutograd
import CVRData
import CVRKernels
import CVRModels
import CVRTraining
import Testing

@Suite struct TrainerTests {
  let fixture = TrainingFixture.shared

  /// One step per epoch (8 rows, batch 8): w_e = w_{e−1} − 0.3/√(0.1 + e), so
  /// w ≈ −0.286, −0.493, −0.664, −0.812: closest to −0.5 at epoch 2.
  func scriptedConfig(patience: Int, epochs: Int = 10) -> TrainingConfig {
    var config = TrainingConfig()
    config.batchSize = 8
    config.learningRate = 0.3
    config.initialAccumulatorValue = 0.1
    config.maxEpochs = epochs
    config.patience = patience
    return config
  }

  @Test func earlyStoppingRestoresTheBestEpoch() throws {
    let model = ScriptedModel(target: -0.5)
    let rows = Array(fixture.train(.train).prefix(8))
    let result = try Trainer(name: "scripted").fit(
      model: model, assembler: fixture.assembler, trainRows: rows, validRows: fixture.valid,
      config: scriptedConfig(patience: 2))
    #expect(result.bestEpoch == 2)
    #expect(result.epochsRun == 4 && result.stoppedEarly && result.steps == 4)
    #expect(result.evaluations.map(\.epoch) == [1, 2, 3, 4])
    let aucs = result.evaluations.map { $0.auc! }
    #expect(aucs[1] > aucs[0] && aucs[1] > aucs[2] && aucs[2] > aucs[3])
    #expect(result.bestAUC == aucs[1])
    // The epoch-2 value is back, bit for bit, and scores as the best epoch did.
    #expect(model.seen.count == 4)
    #expect(model.w.value[0] == model.seen[1])
    #expect(abs(model.w.value[0] - (-0.3 / Float(1.1).squareRoot() - 0.3 / Float(2.1).squareRoot())) < 1e-6)
    let scores = Scoring.scores(model, assembler: fixture.assembler, rows: fixture.valid)
    let labels = try SplitMetrics.labels(fixture.store, rows: fixture.valid)
    #expect(SplitMetrics.compute(scores: scores, labels: labels, users: nil).auc == result.bestAUC)
  }

  @Test func patienceZeroRunsEveryEpoch() throws {
    let model = ScriptedModel(target: -0.5)
    let result = try Trainer(name: "scripted").fit(
      model: model, assembler: fixture.assembler, trainRows: Array(fixture.train(.train).prefix(8)),
      validRows: fixture.valid, config: scriptedConfig(patience: 0, epochs: 5))
    #expect(result.epochsRun == 5 && !result.stoppedEarly && result.bestEpoch == 2)
  }

  @Test func withoutValidationTheLastEpochStays() throws {
    let model = ScriptedModel(target: -0.5)
    let result = try Trainer(name: "scripted").fit(
      model: model, assembler: fixture.assembler, trainRows: Array(fixture.train(.train).prefix(8)), validRows: [],
      config: scriptedConfig(patience: 1, epochs: 3))
    #expect(result.epochsRun == 3 && result.bestEpoch == 3 && result.bestAUC == nil && result.evaluations.isEmpty)
  }

  func trainLR(seed: UInt64) throws -> (TrainingResult, [Float]) {
    let model = try LogisticRegressionModel(plan: fixture.plan, seed: seed)
    var config = TrainingConfig()
    config.batchSize = 64
    config.maxEpochs = 3
    config.seed = seed
    let result = try Trainer(name: "LR").fit(
      model: model, assembler: fixture.assembler, trainRows: fixture.train(.train), validRows: fixture.valid,
      config: config)
    return (result, model.parameters.flatMap { $0.values() })
  }

  @Test func theSameSeedGivesTheSameRun() throws {
    let (a, pa) = try trainLR(seed: 7)
    let (b, pb) = try trainLR(seed: 7)
    #expect(a.trainLoss == b.trainLoss && a.evaluations == b.evaluations && a.bestEpoch == b.bestEpoch)
    #expect(pa == pb)
    let (c, _) = try trainLR(seed: 8)
    #expect(c.trainLoss != a.trainLoss)
  }

  @Test func logisticRegressionLowersItsTrainingLoss() throws {
    let (result, _) = try trainLR(seed: 3)
    #expect(result.trainLoss.count == result.epochsRun)
    #expect(result.trainLoss.last! < result.trainLoss.first!)
    #expect(result.samplesPerSecond > 0 && result.wallSeconds > 0)
  }

  @Test func badSettingsAreRejectedBeforeTraining() throws {
    var config = TrainingConfig()
    config.batchSize = 0
    let model = ScriptedModel(target: 0)
    #expect(throws: TrainingError.config("batch_size must be at least 1, got 0")) {
      try Trainer(name: "x").fit(model: model, assembler: fixture.assembler, trainRows: [0], validRows: [],
                                 config: config)
    }
    #expect(throws: TrainingError.data("x: no training rows")) {
      try Trainer(name: "x").fit(model: model, assembler: fixture.assembler, trainRows: [], validRows: [],
                                 config: TrainingConfig())
    }
  }
}
