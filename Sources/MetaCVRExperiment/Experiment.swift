// The experiment runner behind train-metacvr: for each seed, trains every
// requested model in dependency order (stage-2 models after the model they
// build on), scores D_v's clicked rows, saves a checkpoint per model and seed.
// Networks leave a resume point after every epoch; a resumed run reuses the
// models that finished and continues the one that was interrupted.
import CVRCheckpoint
import CVRCore
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
  /// Wall seconds to build, train and score it (timings.json; for a reused model, its first run's).
  package var seconds: Double
  package var checkpoint: URL
  /// The rows early stopping scored: held-out clicked rows of `holdoutSplit` (nil for XGBoost).
  package var holdoutRows: Int?
  package var holdoutSplit: Split?
  /// Whether early stopping scored held-out exposures (nil: clicked rows for CVR, exposures for CTR/CTCVR).
  package var holdoutOnExposures: Bool?
  /// Whether it was taken from an earlier, interrupted run (`--resume`) rather than trained now.
  package var reused = false
  /// False for TrueCVR, which has no checkpoint (`checkpoint` is then a placeholder).
  package var hasCheckpoint = true
}

/// Everything a run produced.
package struct ExperimentOutcome {
  package var result: MultiSeedResult
  package var runs: [ModelRun]
  /// Names in report order (the requested ones, dependencies included).
  package var models: [String]
  /// First seed: each model's D_v scores (ROC and calibration plots).
  package var firstSeedScores: [(name: String, scores: [Float])]
  /// Every seed's D_v scores of every listed model (clicked-CVR evaluation only): the
  /// per-occasion metrics and the paired differences (`PairedEvaluation`) read them.
  package var scores: [(name: String, seed: UInt64, scores: [Float])] = []
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
  /// Continue an interrupted run in `output`: reuse every model whose run record
  /// and checkpoint verify, resume a network from its epoch checkpoint. False:
  /// any resume point found is discarded and every model trains from scratch.
  package var resume = false
  /// What a trained model is scored by: MetaCVR's CVR over D_v's clicked rows
  /// (AUC, log loss, GAUC, the other heads' AUCs), or the entire-space AUCs of
  /// `EntireSpaceEvaluation` over D_v's exposures (train-egean). The entire-space
  /// protocol also stops early on held-out exposures of D for every head.
  package var evaluation = Evaluation.clickedCVR
  /// The optimiser of every network (nil: the Trainer's default, MetaCVR's Adagrad).
  package var makeOptimizer: Trainer.OptimizerFactory?
  /// Data-parallel training of every network (nil: one process); see `Trainer.replicas`.
  package var replicas: (any ReplicaGroup)?

  package enum Evaluation: Sendable { case clickedCVR, entireSpace }

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

  /// The directory of the checkpoints, run records and resume points.
  package var checkpointDirectory: URL { output.appendingPathComponent("checkpoints", isDirectory: true) }

  /// Trains and evaluates every model for every seed; writes checkpoints under `output/checkpoints`.
  package func run() throws -> ExperimentOutcome {
    let started = ProcessInfo.processInfo.systemUptime
    let order = try modelOrder()
    try FileManager.default.createDirectory(at: checkpointDirectory, withIntermediateDirectories: true)
    let needsPlan = order.contains { if case .network = catalog.entry($0)!.builder { true } else { false } }
    let plan = needsPlan ? try FeaturePlan(schema: data.schema) : nil

    let holdout = try EarlyStoppingHoldout(splits: data.splits, fraction: config.holdout)
    var perSeed: [SeedMetrics] = [], runs: [ModelRun] = []
    var firstScores: [(name: String, scores: [Float])] = []
    var allScores: [(name: String, seed: UInt64, scores: [Float])] = []
    var prototypes: [(name: String, similarity: PrototypeSimilarity)] = []
    progress.plan(jobs: config.seeds.flatMap { _ in order })
    for (seedIndex, seed) in config.seeds.enumerated() {
      var trained: [String: any CVRModel] = [:]
      var metrics = SeedMetrics()
      for name in order {
        let entry = catalog.entry(name)!
        let modelStart = ProcessInfo.processInfo.systemUptime
        // The true CVR is read again, never reused (it has no checkpoint).
        let reusable = { if case .trueCVR = entry.builder { false } else { true } }()
        var (run, scores, model) = try (reusable ? reuse(name, seed: seed) : nil)
          ?? train(entry, seed: seed, plan: plan, holdout: holdout, trained: trained)
        if let model { trained[name] = model }
        if !run.reused { run.seconds = ProcessInfo.processInfo.systemUptime - modelStart }
        let bad = scores.filter { !$0.isFinite }.count
        guard bad == 0 else {
          throw TrainingError.data("\(name) seed \(seed): \(bad) of its \(scores.count) D_v scores are not finite "
            + "(the model diverged; lower learning_rate or clip_norm)")
        }
        // Stage-2 models of one BASE share its prototypes: one heatmap per distinct set.
        if seedIndex == 0, let model, let similarity = entry.prototypes?(model),
          !prototypes.contains(where: { $0.similarity == similarity }) {
          prototypes.append((name, similarity))
        }
        let split = SplitMetrics.compute(scores: scores, labels: data.validLabels, users: data.validUsers)
        run.metrics = split
        progress.jobFinished(name, seconds: ProcessInfo.processInfo.systemUptime - modelStart)
        let training = run.training
        let epochs = training.map { ", best epoch \($0.bestEpoch)/\($0.epochsRun), \(Int($0.samplesPerSecond)) samples/s" } ?? ""
        let f = { (v: Double?) in ReportMarkdown.fixed(v ?? .nan, 4) }
        let took = "(\(ReportMarkdown.fixed(run.seconds, 1)) s\(epochs)\(run.reused ? ", reused from the interrupted run" : ""))"
        runs.append(run)
        guard entry.listed else {
          say("\(name) seed \(seed): trained \(took)")
          continue
        }
        switch evaluation {
        case .clickedCVR:
          metrics.set(model: name, metric: "auc", value: split.auc ?? .nan)
          metrics.set(model: name, metric: "logloss", value: split.logLoss ?? .nan)
          metrics.set(model: name, metric: "gauc", value: split.gauc ?? .nan)
          if let model {
            for (task, value) in try taskMetrics(model, name: name, seed: seed) { metrics.set(model: name, metric: task, value: value) }
          }
          if seedIndex == 0 { firstScores.append((name, scores)) }
          allScores.append((name, seed, scores))
          say("\(name) seed \(seed): AUC \(f(split.auc)), log loss \(f(split.logLoss)) \(took)")
        case .entireSpace:
          guard let model else { throw TrainingError.config("\(name): the entire-space evaluation needs a network") }
          let result = try EntireSpaceEvaluation(data: data).evaluate(
            model, name: "\(name) seed \(seed)", batchSize: try config.training(for: name).evalBatchSize)
          for (metric, value) in result.metrics { metrics.set(model: name, metric: metric, value: value) }
          if seedIndex == 0 { firstScores.append((name, result.cvrScores)) }
          let value = { (key: String) in f(result.metrics.first { $0.0 == key }?.1) }
          say("\(name) seed \(seed): CVR AUC (entire space) \(value("cvr_auc_exposure")), CTCVR AUC "
            + "\(value("ctcvr_auc")) \(took)")
        }
      }
      perSeed.append(metrics)
    }
    let result = try MultiSeedRunner.aggregate(seeds: config.seeds, perSeed: perSeed)
    var outcome = ExperimentOutcome(result: result, runs: runs, models: order.filter { catalog.entry($0)!.listed },
                                    firstSeedScores: firstScores,
                                    prototypes: prototypes, seconds: ProcessInfo.processInfo.systemUptime - started)
    outcome.scores = allScores
    return outcome
  }

  /// A multi-task model's other heads on D_v's exposures: "ctr_auc",
  /// "ctr_logloss" (against clicks), "ctcvr_auc", "ctcvr_logloss" (against
  /// click ∧ conversion); CVR is "auc"/"logloss" on D_v's clicked rows.
  private func taskMetrics(_ model: any CVRModel, name: String, seed: UInt64) throws -> [(String, Double)] {
    let heads = [PredictionHead.ctr, .ctcvr].filter(model.heads.contains)
    guard !heads.isEmpty else { return [] }
    let rows = data.splits.rows(.valid, space: .exposure)
    let predictions = Scorer(assembler: data.assembler, batchSize: try config.training(for: name).evalBatchSize)
      .predictions(model, rows: rows, heads: heads)
    var out: [(String, Double)] = []
    for head in heads {
      let scores = predictions[head]!
      guard scores.allSatisfy(\.isFinite) else {
        throw TrainingError.data("\(name) seed \(seed): its D_v \(head.rawValue.uppercased()) scores are not finite (the model diverged)")
      }
      let labels = try EarlyStoppingPolicy(metric: .auc, head: head).labels(data.store, rows: rows)
      let m = SplitMetrics.compute(scores: scores, labels: labels, users: nil)
      out += [("\(head.rawValue)_auc", m.auc ?? .nan), ("\(head.rawValue)_logloss", m.logLoss ?? .nan)]
    }
    return out
  }

  /// The temporal holdout of `early_stopping_last_days` N: early stopping watches the
  /// clicked rows (or exposures) of the last N days of the entry's split, the model
  /// trains on `rows` of the days before. Throws when either side would be empty.
  private func lastDaysHoldout(_ entry: ModelCatalog.Entry, rows: [Int32], days n: Int,
                               onClicks: Bool) throws -> (train: [Int32], stopping: [Int32]) {
    guard let days = data.store.days else {
      throw TrainingError.config("\(entry.name): early_stopping_last_days needs a day column")
    }
    let range = data.splits.range(entry.trainSplit)
    let cut = range.upper - Int32(n) + 1
    guard cut > range.lower else {
      throw TrainingError.config(
        "\(entry.name): early_stopping_last_days \(n) leaves no training day in \(range) (it has \(range.upper - range.lower + 1))")
    }
    let space: Space = onClicks ? .click : .exposure
    let stopping = data.splits.rows(entry.trainSplit, space: space).filter { days[Int($0)] >= cut }
    let train = rows.filter { days[Int($0)] < cut }
    guard !stopping.isEmpty, !train.isEmpty else {
      throw TrainingError.data("\(entry.name): the last \(n) days of \(range) leave \(train.count) training and \(stopping.count) early-stopping rows")
    }
    return (train, stopping)
  }

  private func checkpointURL(_ entry: ModelCatalog.Entry, seed: UInt64) -> URL {
    let stem = ModelCatalog.fileStem(entry.name)
    if case .xgboost = entry.builder { return checkpointDirectory.appendingPathComponent("\(stem)-seed\(seed).xgb") }
    if case .trueCVR = entry.builder { return checkpointDirectory.appendingPathComponent("none") }
    return checkpointDirectory.appendingPathComponent("\(stem)-seed\(seed).ckpt")
  }

  private func resumePointURL(_ name: String, seed: UInt64) -> URL {
    checkpointDirectory.appendingPathComponent("\(ModelCatalog.fileStem(name))-seed\(seed).state")
  }

  /// With `resume`, the finished model `name` of `seed` from its run record and
  /// verified checkpoint: its run, its D_v scores and the loaded model. Nil when
  /// it has to be trained (no record, or one that does not verify: said why).
  private func reuse(_ name: String, seed: UInt64) throws -> (ModelRun, [Float], (any CVRModel)?)? {
    let recordURL = RunRecord.url(directory: checkpointDirectory, model: name, seed: seed)
    guard resume else {
      try? FileManager.default.removeItem(at: recordURL)
      return nil
    }
    let (found, problem) = RunRecord.reusable(at: recordURL, model: name, seed: seed)
    if let problem { say("\(name) seed \(seed): not reused (\(problem)); training it again") }
    guard let record = found else { return nil }
    let url = checkpointDirectory.appendingPathComponent(record.checkpoint)
    let loaded: LoadedModel
    do { loaded = try ModelBundle.load(from: url) } catch {
      say("\(name) seed \(seed): not reused (\(error)); training it again")
      return nil
    }
    let scores = try loaded.scores(assembler: data.assembler, rows: data.validRows,
                                   batchSize: try config.training(for: name).evalBatchSize)
    let entry = catalog.entry(name)!
    // A kill between the run record and the resume point's removal leaves an obsolete resume point.
    try? FileManager.default.removeItem(at: resumePointURL(name, seed: seed))
    var run = ModelRun(name: name, seed: seed, metrics: SplitMetrics(), training: record.training,
                       seconds: record.seconds, checkpoint: url, holdoutRows: record.holdoutRows,
                       holdoutSplit: record.holdoutRows == nil ? nil : entry.trainSplit, reused: true)
    run.holdoutOnExposures = evaluation == .entireSpace ? true : nil
    return (run, scores, loaded.model)
  }

  /// Trains `entry` for `seed` (a network continues from its resume point when
  /// `resume` finds one), saves its checkpoint and run record, returns its run,
  /// its D_v scores and the trained model (nil for XGBoost).
  private func train(_ entry: ModelCatalog.Entry, seed: UInt64, plan: FeaturePlan?, holdout: EarlyStoppingHoldout,
                     trained: [String: any CVRModel]) throws -> (ModelRun, [Float], (any CVRModel)?) {
    let name = entry.name
    let started = ProcessInfo.processInfo.systemUptime
    let checkpoint = checkpointURL(entry, seed: seed)
    let recordURL = RunRecord.url(directory: checkpointDirectory, model: name, seed: seed)
    switch entry.builder {
    case .trueCVR:
      guard let column = data.schema.columns.first(where: { $0.truth == .cvr }).flatMap({ data.store.truth[$0.name] })
      else {
        throw TrainingError.config("\(name): the data has no true CVR (a column with role truth and truth: cvr); "
          + "drop \(name) from --models")
      }
      let scores = data.validRows.map { column[Int($0)] }
      var run = ModelRun(name: name, seed: seed, metrics: SplitMetrics(), training: nil, seconds: 0,
                         checkpoint: checkpointURL(entry, seed: seed))
      run.hasCheckpoint = false
      return (run, scores, nil)
    case .xgboost:
      say("\(name) seed \(seed): training \(config.xgboost.rounds) trees")
      let runner = XGBoostRunner(parameters: config.xgboost.parameters(seed: seed, threads: config.threads),
                                 targetEncode: config.xgboost.targetEncoding, includeOccasion: entry.xgboostOccasion)
      let predictor = try runner.train(
        assembler: data.assembler, rows: holdout.training(data.splits.rows(.train, space: .click)))
      try ModelBundle.save(predictor, displayName: name, schema: data.schema, normalizer: data.normalizer,
                           to: checkpoint)
      // Scored from the saved file, as a resumed run that reuses it scores: the
      // same numbers either way (and the file is checked once by reading it).
      let scores = try ModelBundle.load(from: checkpoint).scores(assembler: data.assembler, rows: data.validRows)
      let run = ModelRun(name: name, seed: seed, metrics: SplitMetrics(), training: nil, seconds: 0,
                         checkpoint: checkpoint)
      try RunRecord(model: name, seed: seed, checkpoint: checkpoint.lastPathComponent,
                    checkpointCRC32: try RunRecord.checksum(of: checkpoint), training: nil,
                    seconds: ProcessInfo.processInfo.systemUptime - started,
                    holdoutRows: nil).write(to: recordURL)
      return (run, scores, nil)
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
      let policy = try trainingConfig.earlyStoppingPolicy()
      var trainer = Trainer(stage: entry.stage, name: "\(name) seed \(seed)", earlyStopping: policy)
      if let makeOptimizer { trainer.makeOptimizer = makeOptimizer }
      trainer.replicas = replicas
      let resumePoint = EpochCheckpoint(
        url: resumePointURL(name, seed: seed),
        identity: .object(["model": .string(name), "seed": .integer(seed), "kind": .string(model.kind),
                           "configuration": model.configuration, "training": try JSONValue(encoding: trainingConfig)]))
      if !resume { try resumePoint.remove() }
      if resumePoint.exists {
        // Written by another version of the program (or a damaged file): said, then trained from scratch.
        if let header = try? Checkpoint.readHeader(from: resumePoint.url), header.kind == EpochCheckpoint.kind,
          header.config.differences(from: resumePoint.identity).isEmpty {
          say("\(name) seed \(seed): resuming from \(resumePoint.url.lastPathComponent)")
        } else {
          say("\(name) seed \(seed): \(resumePoint.url.lastPathComponent) does not match this run's model and "
            + "settings (or is damaged); training it from scratch")
          try resumePoint.remove()
        }
      }
      // CVR stops on held-out clicked rows; CTR and CTCVR on held-out exposures (kept out of training too).
      // The entire-space protocol stops every head on held-out exposures (CVR: unclicked rows count as
      // not converted there, the observable label; the potential conversion is never read in training).
      let rows = data.splits.rows(entry.trainSplit, space: model.trainingSpace)
      let onClicks = policy.head == .cvr && evaluation == .clickedCVR
      var stopping = !entry.earlyStopping ? [] : onClicks ? holdout.stopping(data.splits.rows(entry.trainSplit, space: .click))
        : holdout.stoppingExposures(data.splits.rows(entry.trainSplit, space: .exposure), splits: data.splits)
      var trainRows = onClicks ? holdout.training(rows) : holdout.trainingExposures(rows, splits: data.splits)
      if trainingConfig.earlyStoppingLastDays > 0 && entry.earlyStopping {
        (trainRows, stopping) = try lastDaysHoldout(entry, rows: rows, days: trainingConfig.earlyStoppingLastDays,
                                                    onClicks: onClicks)
      }
      let result = try trainer.fit(
        model: model, assembler: data.assembler, trainRows: trainRows,
        validRows: stopping, config: trainingConfig, checkpoint: resumePoint,
        progress: { [progress] in progress.update($0) })
      let scores = Scoring.scores(model, assembler: data.assembler, rows: data.validRows,
                                  batchSize: trainingConfig.evalBatchSize)
      let split = SplitMetrics.compute(scores: scores, labels: data.validLabels, users: nil)
      try ModelBundle.save(model, displayName: name, schema: data.schema, normalizer: data.normalizer, seed: seed,
                           step: result.steps, metrics: ["valid_auc": split.auc ?? .nan], to: checkpoint)
      try RunRecord(model: name, seed: seed, checkpoint: checkpoint.lastPathComponent,
                    checkpointCRC32: try RunRecord.checksum(of: checkpoint), training: result,
                    seconds: ProcessInfo.processInfo.systemUptime - started, holdoutRows: stopping.count)
        .write(to: recordURL)
      try resumePoint.remove()
      var run = ModelRun(name: name, seed: seed, metrics: split, training: result, seconds: 0, checkpoint: checkpoint,
                         holdoutRows: stopping.count, holdoutSplit: entry.trainSplit)
      run.holdoutOnExposures = onClicks ? nil : true
      return (run, scores, model)
    }
  }
}
