// The training loop: seeded shuffled batches, one reused step, an injected
// optimizer with global-norm clipping, a validation metric per epoch, early
// stopping that keeps and restores the best epoch's parameters.
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

  public init(stage: String = "train", name: String, makeOptimizer: @escaping OptimizerFactory = Trainer.adagrad,
              gradientHook: GradientHook? = nil, earlyStopping: EarlyStoppingPolicy = .cvrAUC) {
    self.stage = stage
    self.name = name
    self.makeOptimizer = makeOptimizer
    self.gradientHook = gradientHook
    self.earlyStopping = earlyStopping
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
  /// - Throws: `TrainingError` for a bad config, no trainable parameters, no
  ///   training rows, missing label columns, or a non-finite loss.
  public func fit(
    model: any CVRModel, assembler: BatchAssembler, trainRows: [Int32], validRows: [Int32],
    config: TrainingConfig, progress: ((TrainingProgress) -> Void)? = nil
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
    let loader = BatchLoader(assembler: assembler, rows: trainRows,
                             options: .init(batchSize: config.batchSize, shuffle: config.shuffle, seed: config.seed))
    defer { loader.shutdown() }
    let scorer = Scorer(assembler: assembler, batchSize: config.evalBatchSize)
    let best = ParameterSnapshot(model.parameters)

    let started = ProcessInfo.processInfo.systemUptime
    var stepSeconds = 0.0, samples = 0, steps = 0
    var trainLoss: [Double] = [], evaluations: [TrainingResult.Evaluation] = []
    var bestScore: Double?, bestAUC: Double?, bestEpoch = 0, sinceBest = 0, stoppedEarly = false
    let stepsPerEpoch = loader.batchesPerEpoch
    let totalSteps = stepsPerEpoch * config.maxEpochs
    var epoch = 0

    while epoch < config.maxEpochs {
      epoch += 1
      var lossSum = 0.0, lossCount = 0, step = 0
      let epochStart = ProcessInfo.processInfo.systemUptime
      while let batch = loader.next() {
        step += 1
        let value = Double(try trainingStep.step(batch, epoch: epoch, index: step, name: name))
        lossSum += value * Double(batch.count)
        lossCount += batch.count
        samples += batch.count
        steps += 1
        if let progress {
          let elapsed = stepSeconds + ProcessInfo.processInfo.systemUptime - epochStart
          progress(TrainingProgress(
            stage: stage, model: name, epoch: epoch, maxEpochs: config.maxEpochs, step: step,
            stepsPerEpoch: stepsPerEpoch, samplesPerSecond: Double(samples) / max(elapsed, 1e-9),
            runningLoss: lossSum / Double(max(lossCount, 1)),
            etaSeconds: TrainingProgress.eta(stepsDone: steps, stepsTotal: totalSteps, elapsedSeconds: elapsed)))
        }
      }
      stepSeconds += ProcessInfo.processInfo.systemUptime - epochStart
      trainingStep.tape.reset()
      trainLoss.append(lossSum / Double(max(lossCount, 1)))

      guard !validRows.isEmpty, epoch % config.evalEvery == 0 || epoch == config.maxEpochs else { continue }
      let scores = scorer.predictions(model, rows: validRows, heads: [earlyStopping.head])[earlyStopping.head]!
      let metrics = SplitMetrics.compute(scores: scores, labels: validLabels, users: nil)
      evaluations.append(.init(epoch: epoch, auc: metrics.auc, logLoss: metrics.logLoss))
      guard let score = earlyStopping.score(metrics) else { continue }
      if bestScore == nil || score > bestScore! + config.minDelta {
        bestScore = score
        bestAUC = metrics.auc
        bestEpoch = epoch
        sinceBest = 0
        best.capture()
      } else {
        sinceBest += 1
        if config.patience > 0 && sinceBest >= config.patience {
          stoppedEarly = true
          break
        }
      }
    }
    if best.hasCapture { best.restore() } else { bestEpoch = epoch }
    return TrainingResult(
      bestEpoch: bestEpoch, bestAUC: bestAUC, trainLoss: trainLoss, evaluations: evaluations, epochsRun: epoch,
      steps: steps, samplesPerSecond: Double(samples) / max(stepSeconds, 1e-9),
      wallSeconds: ProcessInfo.processInfo.systemUptime - started, stoppedEarly: stoppedEarly)
  }
}
