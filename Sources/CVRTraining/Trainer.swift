// The training loop: seeded shuffled batches, one reused step, an injected
// optimizer with global-norm clipping, a validation metric per epoch, early
// stopping that keeps and restores the best epoch's parameters; with a
// replica group, this rank's share of every global batch and one decision for all.
import CVRAutograd
import CVRData
import CVRModels
import CVROptim
import Foundation

/// Trains any `CVRModel` by gradient descent on its loss.
///
/// The optimizer is injected (`makeOptimizer`: Adagrad by default, MetaCVR's
/// setting; `Trainer.adam` for EGEAN's), the step is `TrainingStep` (shared
/// with benchmarks and distributed runs), `gradientHook` runs between backward
/// and the optimizer, and early stopping watches `earlyStopping`.
public struct Trainer {
  /// Builds the optimizer over the model's trainable parameters from the run's config.
  public typealias OptimizerFactory = ([Parameter], TrainingConfig) -> any Optimizer

  /// Shown in the progress line ("train", "stage 2", "fine-tune").
  public var stage: String
  /// The model's name in the progress line and errors.
  public var name: String
  public var makeOptimizer: OptimizerFactory
  /// Runs between backward and clipping every step (nil: none).
  public var gradientHook: GradientHook?
  /// What the validation rows are judged by.
  public var earlyStopping: EarlyStoppingPolicy
  /// When a run counts as diverged (an error, never a finished run).
  public var divergence = DivergenceRule.standard
  /// Data-parallel training (nil: one process): this rank trains on its share of every
  /// global batch of `batch_size` rows, gradients are combined before the hook, rank 0's
  /// validation metrics decide early stopping on every rank, and only rank 0 saves the
  /// epoch checkpoint (resuming needs one process). docs/distributed.md.
  public var replicas: (any ReplicaGroup)?

  public init(stage: String = "train", name: String, makeOptimizer: @escaping OptimizerFactory = Trainer.configured,
              gradientHook: GradientHook? = nil, earlyStopping: EarlyStoppingPolicy = .cvrAUC) {
    self.stage = stage
    self.name = name
    self.makeOptimizer = makeOptimizer
    self.gradientHook = gradientHook
    self.earlyStopping = earlyStopping
  }

  /// The optimizer the config's `optimizer` names: `adagrad` or `adam` (no weight decay).
  public static func configured(_ parameters: [Parameter], _ config: TrainingConfig) -> any Optimizer {
    config.optimizer == "adam" ? adam()(parameters, config) : adagrad(parameters, config)
  }

  /// Adagrad at `learning_rate` from `initial_accumulator_value` (MetaCVR §3.1.3; TensorFlow's accumulator 0.1).
  public static func adagrad(_ parameters: [Parameter], _ config: TrainingConfig) -> any Optimizer {
    Adagrad(parameters, learningRate: Float(config.learningRate),
            initialAccumulatorValue: Float(config.initialAccumulatorValue))
  }

  /// Adam at `learning_rate` with coupled L2 `weightDecay` (EGEAN §4: lr 1e-3, weight decay 1e-6).
  public static func adam(weightDecay: Float = 0) -> OptimizerFactory {
    { parameters, config in Adam(parameters, learningRate: Float(config.learningRate), weightDecay: weightDecay) }
  }

  /// Trains `model` on `trainRows` and keeps the parameters of its best validation epoch.
  ///
  /// Each step is `TrainingStep.step`: loss on a training tape, backward, the
  /// gradient hook, clip ‖g‖ ≤ clipNorm, the optimizer's step, zeroed
  /// gradients. The tape and the loader's batches are reused, so a warm step
  /// allocates nothing outside the tape's arena.
  ///
  /// After every `evalEvery` epochs (and the last), scores `validRows` with the
  /// policy's head on an inference tape and computes AUC and log loss against
  /// that head's labels. A watched value better than the best by more than
  /// `minDelta` snapshots every parameter (state included); `patience`
  /// evaluations without one stop training. At the end the best snapshot is
  /// written back. Without validation rows (or with one class only) the last
  /// epoch's parameters stay.
  ///
  /// `divergence` is checked after every step and every epoch (see
  /// `DivergenceRule`). With `checkpoint`, the state after every completed
  /// epoch is saved there, and a run that finds a file there continues after
  /// the epoch it holds: same parameters, optimizer state, dropout generator,
  /// data order and early-stopping state, so the result equals an
  /// uninterrupted run's (timings aside).
  ///
  /// - Throws: `TrainingError` for a bad config, no trainable parameters, no
  ///   training rows, missing label columns, or divergence (`.diverged`, naming
  ///   the epoch, the step and the resume point left untouched); a
  ///   `CheckpointError` for a resume point that cannot be used.
  public func fit(
    model: any CVRModel, assembler: BatchAssembler, trainRows: [Int32], validRows: [Int32],
    config: TrainingConfig, checkpoint: EpochCheckpoint? = nil, progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> TrainingResult {
    try config.validate()
    guard !trainRows.isEmpty else { throw TrainingError.data("\(name): no training rows") }
    let trainable = model.trainableParameters
    guard !trainable.isEmpty else { throw TrainingError.noTrainableParameters(model: name) }
    guard model.heads.contains(earlyStopping.head) else {
      throw TrainingError.config("\(name) has no \(earlyStopping.head.rawValue) head to stop early on")
    }
    let validLabels = validRows.isEmpty ? [] : try earlyStopping.labels(assembler.store, rows: validRows)

    let optimizer = makeOptimizer(trainable, config)
    let trainingStep = TrainingStep(model: model, optimizer: optimizer, seed: config.seed,
                                    clipNorm: Float(config.clipNorm), gradientHook: gradientHook)
    trainingStep.replicas = replicas
    let best = ParameterSnapshot(model.parameters)
    var state = TrainingState()
    let isWriter = (replicas?.rank ?? 0) == 0
    let checkpoint = isWriter ? checkpoint : nil
    var restoredState: TrainingState? = nil
    if let checkpoint {
      restoredState = try checkpoint.restore(parameters: model.parameters, best: best.copies, optimizer: optimizer)
    }
    if let replicas, replicas.size > 1 {
      // Only rank 0 reads resume points; the others would start from scratch and the replicas would part.
      if try replicas.broadcast([restoredState == nil ? 0 : 1])[0] != 0 {
        throw TrainingError.config("\(name): a resume point exists, and resuming needs one process (not \(replicas.size) ranks)")
      }
    }
    if let restored = restoredState {
      state = restored
      trainingStep.tape.rng = restored.generator!
      best.hasCapture = restored.hasBest
    }
    let shard = replicas.map { BatchShard(index: $0.rank, count: $0.size) } ?? .whole
    let loader = BatchLoader(assembler: assembler, rows: trainRows,
                             options: .init(batchSize: config.batchSize, shuffle: config.shuffle, seed: config.seed,
                                            firstEpoch: state.epoch, shard: shard))
    defer { loader.shutdown() }
    let scorer = Scorer(assembler: assembler, batchSize: config.evalBatchSize)

    let started = ProcessInfo.processInfo.systemUptime - state.wallSeconds
    let stepsPerEpoch = loader.batchesPerEpoch
    let totalSteps = stepsPerEpoch * config.maxEpochs
    let kept = { (state: TrainingState) -> String? in
      guard let checkpoint, state.epoch > 0 else { return nil }
      return "the last good state (epoch \(state.epoch)) is kept in \(checkpoint.url.path)"
    }

    while !state.finished && state.epoch < config.maxEpochs {
      let epoch = state.epoch + 1
      var next = state
      next.epoch = epoch
      var lossSum = 0.0, lossCount = 0, step = 0
      let epochStart = ProcessInfo.processInfo.systemUptime
      while let batch = loader.next() {
        step += 1
        // The global batch's rows: this rank's `batch` is its share of them.
        let rows = loader.globalCount(ofBatch: step - 1)
        let value: Double
        do {
          value = Double(try trainingStep.step(batch, globalCount: rows, epoch: epoch, index: step, name: name))
        } catch TrainingError.nonFiniteLoss {
          throw TrainingError.diverged(model: name, epoch: epoch, step: step, problem: "the loss is not finite",
                                       kept: kept(state))
        }
        if let problem = divergence.stepProblem(value) {
          throw TrainingError.diverged(model: name, epoch: epoch, step: step, problem: problem, kept: kept(state))
        }
        lossSum += value * Double(rows)
        lossCount += rows
        next.samples += rows
        next.steps += 1
        if let progress {
          let elapsed = state.stepSeconds + ProcessInfo.processInfo.systemUptime - epochStart
          progress(TrainingProgress(
            stage: stage, model: name, epoch: epoch, maxEpochs: config.maxEpochs, step: step,
            stepsPerEpoch: stepsPerEpoch, samplesPerSecond: Double(next.samples) / max(elapsed, 1e-9),
            runningLoss: lossSum / Double(max(lossCount, 1)),
            etaSeconds: TrainingProgress.eta(stepsDone: next.steps, stepsTotal: totalSteps, elapsedSeconds: elapsed)))
        }
      }
      next.stepSeconds += ProcessInfo.processInfo.systemUptime - epochStart
      trainingStep.tape.reset()
      let mean = lossSum / Double(max(lossCount, 1))
      if let problem = divergence.epochProblem(mean: mean, first: state.trainLoss.first) {
        throw TrainingError.diverged(model: name, epoch: epoch, step: step, problem: problem, kept: kept(state))
      }
      if let parameter = DivergenceRule.nonFiniteParameter(trainable) {
        throw TrainingError.diverged(model: name, epoch: epoch, step: step,
                                     problem: "parameter '\(parameter)' is not finite", kept: kept(state))
      }
      next.trainLoss.append(mean)
      if let replicas, replicas.checksReplicas {
        try replicas.verifyIdentical(model.parameters, context: "\(name) after epoch \(epoch)")
      }

      if !validRows.isEmpty, epoch % config.evalEvery == 0 || epoch == config.maxEpochs {
        let scores = scorer.predictions(model, rows: validRows, heads: [earlyStopping.head])[earlyStopping.head]!
        var metrics = SplitMetrics.compute(scores: scores, labels: validLabels, users: nil)
        if let replicas, replicas.size > 1 {
          // Rank 0's numbers decide on every rank (equal replicas score equally; this makes it certain).
          let agreed = try replicas.broadcast([metrics.auc ?? .nan, metrics.logLoss ?? .nan])
          metrics = SplitMetrics(auc: agreed[0].isNaN ? nil : agreed[0], logLoss: agreed[1].isNaN ? nil : agreed[1])
        }
        next.evaluations.append(.init(epoch: epoch, auc: metrics.auc, logLoss: metrics.logLoss))
        if let score = earlyStopping.score(metrics) {
          if next.bestScore == nil || score > next.bestScore! + config.minDelta {
            next.bestScore = score
            next.bestAUC = metrics.auc
            next.bestEpoch = epoch
            next.sinceBest = 0
            best.capture()
            next.hasBest = true
          } else {
            next.sinceBest += 1
            if config.patience > 0 && next.sinceBest >= config.patience { next.stoppedEarly = true }
          }
        }
      }
      next.finished = next.stoppedEarly || epoch == config.maxEpochs
      next.record(trainingStep.tape.rng)
      next.wallSeconds = ProcessInfo.processInfo.systemUptime - started
      try checkpoint?.save(next, parameters: model.parameters, best: best.copies, optimizer: optimizer)
      state = next
    }
    var bestEpoch = state.bestEpoch
    if best.hasCapture { best.restore() } else { bestEpoch = state.epoch }
    return TrainingResult(
      bestEpoch: bestEpoch, bestAUC: state.bestAUC, trainLoss: state.trainLoss, evaluations: state.evaluations,
      epochsRun: state.epoch, steps: state.steps, samplesPerSecond: Double(state.samples) / max(state.stepSeconds, 1e-9),
      wallSeconds: ProcessInfo.processInfo.systemUptime - started, stoppedEarly: state.stoppedEarly,
      earlyStopping: earlyStopping)
  }
}
