// Epoch checkpoints and divergence in `Trainer.fit`: a run stopped after an
// epoch and resumed from its checkpoint ends exactly where an uninterrupted run
// ends (parameters, curves, best epoch) without redoing the finished epochs;
// an exploding or NaN loss stops with an error naming model, epoch and step and
// leaves the last good epoch's checkpoint untouched.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRModels
import CVRTestSupport
import CVRTraining
import Foundation
import Testing

@Suite struct TrainerResumeTests {
  let fixture = TrainingFixture.shared

  /// BASE with output dropout, so the tape's generator matters.
  func makeModel() throws -> BaseCVRModel {
    var frn = FRNConfig.demo
    frn.attentionUnits = 8
    frn.heads = 2
    frn.mainWidths = [8]
    frn.biasWidths = [4]
    frn.occasionDim = 2
    return try BaseCVRModel(plan: fixture.plan,
                            config: .init(frn: frn, outputWidths: [8, 4], outputDropout: 0.3), seed: 3)
  }

  func config(epochs: Int = 4) -> TrainingConfig {
    var config = TrainingConfig()
    config.batchSize = 64
    config.maxEpochs = epochs
    config.patience = 2
    config.seed = 9
    return config
  }

  struct Stop: Error {}

  /// A hook that throws once `limit` steps have run (a kill between two epochs' steps).
  final class StepCounter: @unchecked Sendable {
    var steps = 0
    let limit: Int?
    init(limit: Int?) { self.limit = limit }
    func hook(_: [Parameter]) throws {
      steps += 1
      if let limit, steps > limit { throw Stop() }
    }
  }

  @Test func aResumedRunEqualsAnUninterruptedOne() throws {
    let rows = fixture.train(.train), valid = Array(fixture.valid)
    let plain = try makeModel()
    let expected = try Trainer(name: "BASE").fit(model: plain, assembler: fixture.assembler, trainRows: rows,
                                                  validRows: valid, config: config())
    let directory = try scratchDirectory()
    let point = EpochCheckpoint(url: directory.appendingPathComponent("BASE.state"), identity: .string("BASE test"))
    let perEpoch = (rows.count + 63) / 64
    // Interrupted in the middle of epoch 3: epochs 1 and 2 are in the checkpoint.
    let first = StepCounter(limit: 2 * perEpoch + 3)
    #expect(throws: Stop.self) {
      _ = try Trainer(name: "BASE", gradientHook: first.hook).fit(
        model: try makeModel(), assembler: fixture.assembler, trainRows: rows, validRows: valid, config: config(),
        checkpoint: point)
    }
    let header = try Checkpoint.readHeader(from: point.url)
    #expect(try header.training?.decode(TrainingState.self).epoch == 2)
    let second = StepCounter(limit: nil)
    let resumedModel = try makeModel()
    let resumed = try Trainer(name: "BASE", gradientHook: second.hook).fit(
      model: resumedModel, assembler: fixture.assembler, trainRows: rows, validRows: valid, config: config(),
      checkpoint: point)
    #expect(second.steps == expected.steps - 2 * perEpoch, "the resumed run redid finished epochs")
    #expect(resumed.trainLoss == expected.trainLoss)
    #expect(resumed.evaluations == expected.evaluations)
    #expect(resumed.bestEpoch == expected.bestEpoch && resumed.epochsRun == expected.epochsRun)
    #expect(resumed.steps == expected.steps && resumed.stoppedEarly == expected.stoppedEarly)
    #expect(resumedModel.parameters.map { $0.values() } == plain.parameters.map { $0.values() })
  }

  @Test func aResumePointOfAnotherRunIsRefused() throws {
    let directory = try scratchDirectory()
    let url = directory.appendingPathComponent("x.state")
    let rows = fixture.train(.train)
    _ = try Trainer(name: "BASE").fit(model: try makeModel(), assembler: fixture.assembler, trainRows: rows,
                                      validRows: fixture.valid, config: config(epochs: 1),
                                      checkpoint: EpochCheckpoint(url: url, identity: .string("run A")))
    #expect(throws: CheckpointError.self) {
      _ = try Trainer(name: "BASE").fit(model: try makeModel(), assembler: fixture.assembler, trainRows: rows,
                                        validRows: fixture.valid, config: config(epochs: 2),
                                        checkpoint: EpochCheckpoint(url: url, identity: .string("run B")))
    }
  }

  /// From epoch 2 on, the hook blows the weights up (or fills them with NaN).
  func divergeFromEpochTwo(_ value: Float, perEpoch: Int) -> GradientHook {
    nonisolated(unsafe) var steps = 0
    return { parameters in
      steps += 1
      guard steps > perEpoch else { return }
      for p in parameters { for i in 0..<p.value.count { p.value[i] = value } }
    }
  }

  @Test(arguments: [Float(1e9), .nan])
  func divergenceStopsWithModelEpochAndStepAndKeepsTheLastGoodEpoch(_ value: Float) throws {
    let rows = fixture.train(.train)
    let perEpoch = (rows.count + 63) / 64
    let directory = try scratchDirectory()
    let point = EpochCheckpoint(url: directory.appendingPathComponent("LR.state"), identity: .string("LR"))
    let model = try LogisticRegressionModel(plan: fixture.plan, seed: 1)
    do {
      _ = try Trainer(name: "LR seed 1", gradientHook: divergeFromEpochTwo(value, perEpoch: perEpoch)).fit(
        model: model, assembler: fixture.assembler, trainRows: rows, validRows: fixture.valid, config: config(),
        checkpoint: point)
      Issue.record("a diverged run finished")
    } catch let TrainingError.diverged(name, epoch, step, problem, kept) {
      #expect(name == "LR seed 1" && epoch == 2 && step >= 1 && step <= perEpoch)
      #expect(problem.contains("loss"))
      #expect(kept?.contains("epoch 1") == true && kept?.contains(point.url.path) == true)
      let message = "\(TrainingError.diverged(model: name, epoch: epoch, step: step, problem: problem, kept: kept))"
      #expect(message.hasPrefix("LR seed 1: training diverged at epoch 2, step \(step): "))
    }
    // The kept checkpoint is epoch 1's, and it loads.
    let header = try Checkpoint.readHeader(from: point.url)
    #expect(try header.training?.decode(TrainingState.self).epoch == 1)
  }

  @Test func theDivergenceRule() {
    let rule = DivergenceRule.standard
    #expect(rule.stepProblem(0.69) == nil && rule.stepProblem(9.9e5) == nil)
    #expect(rule.stepProblem(2e6)?.contains("above the ceiling") == true)
    #expect(rule.stepProblem(.nan) != nil && rule.stepProblem(.infinity) != nil)
    #expect(rule.epochProblem(mean: 60, first: 0.7) == nil && rule.epochProblem(mean: 0.7, first: nil) == nil)
    #expect(rule.epochProblem(mean: 80, first: 0.7)?.contains("100") == true)
    #expect(DivergenceRule.nonFiniteParameter([Parameter("w", shape: [2], values: [1, .nan])]) == "w")
  }
}
