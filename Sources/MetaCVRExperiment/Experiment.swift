// The experiment runner behind train-metacvr: for each seed, trains every
// requested model in dependency order (stage-2 models after the model they
// build on), scores D_v's clicked rows, saves a checkpoint per model and seed.
import CVRData
import CVRMetrics
import CVRModels
import CVRReports
import CVRServing
import CVRTraining
import CVRXGBoost
import Foundation

/// One model of one seed.
package struct ModelRun: Sendable {
  package var name: String
  package var seed: UInt64
  package var metrics: SplitMetrics
  /// Nil for XGBoost.
  package var training: TrainingResult?
  /// Wall seconds to build, train and score it.
  package var seconds: Double
  package var checkpoint: URL
}

/// Everything a run produced.
package struct ExperimentOutcome {
  package var result: MultiSeedResult
  package var runs: [ModelRun]
  /// Names in report order (the requested ones, dependencies included).
  package var models: [String]
  /// First seed: each model's D_v scores (ROC and calibration plots).
  package var firstSeedScores: [(name: String, scores: [Float])]
  /// First seed: prototype similarities of models that have prototypes.
  package var prototypes: [(name: String, similarity: PrototypeSimilarity)]
  package var seconds: Double
}

package final class Experiment {
  package let config: ExperimentConfig
  package let catalog: ModelCatalog
  package let data: ExperimentData
  package let output: URL
  package let progress: ProgressLine
  /// Status messages, a line each: one per model and seed with its D_v metrics.
  package var log: (String) -> Void

  package init(config: ExperimentConfig, data: ExperimentData, catalog: ModelCatalog, output: URL,
              progress: ProgressLine = ProgressLine(), log: @escaping (String) -> Void = { _ in }) {
    self.config = config
    self.data = data
    self.catalog = catalog
    self.output = output
    self.progress = progress
    self.log = log
  }

  /// A status line, after clearing the progress line.
  private func say(_ text: String) {
    progress.clear()
    log(text)
  }

  /// The model names in training order: "MetaCVR" expanded, dependencies first.
  package func modelOrder() throws -> [String] {
    try catalog.trainingOrder(ModelCatalog.expand(config.models, dmn: config.dmn))
  }

  /// Trains and evaluates every model for every seed; writes checkpoints under `output/checkpoints`.
  package func run() throws -> ExperimentOutcome {
    let started = ProcessInfo.processInfo.systemUptime
    let order = try modelOrder()
    let checkpoints = output.appendingPathComponent("checkpoints", isDirectory: true)
    try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
    let needsPlan = order.contains { if case .network = catalog.entry($0)!.builder { true } else { false } }
    let plan = needsPlan ? try FeaturePlan(schema: data.schema) : nil

    let holdout = try EarlyStoppingHoldout(splits: data.splits, fraction: config.holdout)
    var perSeed: [SeedMetrics] = [], runs: [ModelRun] = []
    var firstScores: [(name: String, scores: [Float])] = []
    var prototypes: [(name: String, similarity: PrototypeSimilarity)] = []
    progress.plan(jobs: config.seeds.flatMap { _ in order })
    for (seedIndex, seed) in config.seeds.enumerated() {
      var trained: [String: any CVRModel] = [:]
      var metrics = SeedMetrics()
      for name in order {
        let entry = catalog.entry(name)!
        let modelStart = ProcessInfo.processInfo.systemUptime
        let scores: [Float], checkpoint: URL
        var training: TrainingResult?
        switch entry.builder {
        case .xgboost:
          say("\(name) seed \(seed): training \(config.xgboost.rounds) trees")
          let runner = XGBoostRunner(parameters: config.xgboost.parameters(seed: seed, threads: config.threads),
                                     targetEncode: config.xgboost.targetEncoding)
          let predictor = try runner.train(
            assembler: data.assembler, rows: holdout.training(data.splits.rows(.train, space: .click)))
          scores = try predictor.scores(assembler: data.assembler, rows: data.validRows)
          checkpoint = checkpoints.appendingPathComponent("\(name)-seed\(seed).xgb")
          try ModelBundle.save(predictor, displayName: name, schema: data.schema, normalizer: data.normalizer,
                               to: checkpoint)
        case .network(let make):
          let base = try entry.after.map { after -> any CVRModel in
            guard let model = trained[after] else { throw TrainingError.config("\(name): \(after) was not trained") }
            return model
          }
          var context = ModelContext(
            name: name, schema: data.schema, plan: plan!, splits: data.splits, assembler: data.assembler, seed: seed,
            options: config.modelOptions[name] ?? .object([:]), base: base)
          context.preset = config.preset ?? .paper
          let model = try make(context)
          var trainingConfig = try config.training(for: name, defaults: entry.training)
          trainingConfig.seed = seed
          let trainer = Trainer(stage: entry.stage, name: "\(name) seed \(seed)")
          let result = try trainer.fit(
            model: model, assembler: data.assembler,
            trainRows: holdout.training(data.splits.rows(entry.trainSplit, space: model.trainingSpace)),
            validRows: holdout.stopping(data.splits.rows(entry.trainSplit, space: .click)), config: trainingConfig, progress: { [progress] in progress.update($0) })
          training = result
          trained[name] = model
          scores = Scoring.scores(model, assembler: data.assembler, rows: data.validRows,
                                  batchSize: trainingConfig.evalBatchSize)
          checkpoint = checkpoints.appendingPathComponent("\(name)-seed\(seed).ckpt")
          let split = SplitMetrics.compute(scores: scores, labels: data.validLabels, users: nil)
          try ModelBundle.save(model, displayName: name, schema: data.schema, normalizer: data.normalizer, seed: seed,
                               step: result.steps, metrics: ["valid_auc": split.auc ?? .nan], to: checkpoint)
          // Stage-2 models of one BASE share its prototypes: one heatmap per distinct set.
          if seedIndex == 0, let similarity = entry.prototypes?(model),
            !prototypes.contains(where: { $0.similarity == similarity }) {
            prototypes.append((name, similarity))
          }
        }
        let split = SplitMetrics.compute(scores: scores, labels: data.validLabels, users: data.validUsers)
        let seconds = ProcessInfo.processInfo.systemUptime - modelStart
        progress.jobFinished(name, seconds: seconds)
        metrics.set(model: name, metric: "auc", value: split.auc ?? .nan)
        metrics.set(model: name, metric: "logloss", value: split.logLoss ?? .nan)
        metrics.set(model: name, metric: "gauc", value: split.gauc ?? .nan)
        runs.append(ModelRun(name: name, seed: seed, metrics: split, training: training, seconds: seconds,
                             checkpoint: checkpoint))
        if seedIndex == 0 { firstScores.append((name, scores)) }
        let epochs = training.map { ", best epoch \($0.bestEpoch)/\($0.epochsRun), \(Int($0.samplesPerSecond)) samples/s" } ?? ""
        let f = { (v: Double?) in ReportMarkdown.fixed(v ?? .nan, 4) }
        say("\(name) seed \(seed): AUC \(f(split.auc)), log loss \(f(split.logLoss)) "
          + "(\(ReportMarkdown.fixed(seconds, 1)) s\(epochs))")
      }
      perSeed.append(metrics)
    }
    let result = try MultiSeedRunner.aggregate(seeds: config.seeds, perSeed: perSeed)
    return ExperimentOutcome(result: result, runs: runs, models: order, firstSeedScores: firstScores,
                             prototypes: prototypes, seconds: ProcessInfo.processInfo.systemUptime - started)
  }
}
