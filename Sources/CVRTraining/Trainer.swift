// The training loop: seeded shuffled batches, one reused tape, Adagrad with
// global-norm clipping, a validation AUC per epoch, early stopping that keeps
// and restores the best epoch's parameters.
import CVRAutograd
import CVRData
import CVRModels
import CVROptim
import Foundation

/// Trains any `CVRModel` by gradient descent on its loss.
public struct Trainer {
  /// Shown in the progress line ("train", "stage 2", "fine-tune").
  public var stage: String
  /// The model's name in the progress line and errors.
  public var name: String

  public init(stage: String = "train", name: String) {
    self.stage = stage
    self.name = name
  }

  /// Trains `model` on `trainRows` and keeps the parameters of its best validation epoch.
  ///
  /// Each step: tape.reset(); L = model.loss(batch); backward; clip ‖g‖ ≤ clipNorm
  /// over the trainable parameters; Adagrad step (lr, initial accumulator); zero
  /// gradients. The tape and the loader's batches are reused, so a warm step
  /// allocates nothing outside the tape's arena.
  ///
  /// After every `evalEvery` epochs (and the last), scores `validRows` (click-space
  /// rows) with `predictCVR` and computes AUC and log loss against the conversion
  /// labels. An AUC above the best by more than `minDelta` snapshots every
  /// parameter (state included); `patience` evaluations without one stop
  /// training. At the end the best snapshot is written back. Without validation
  /// rows (or with one class only) the last epoch's parameters stay.
  ///
  /// - Throws: `TrainingError` for a bad config, no trainable parameters, no
  ///   training rows, a missing conversion column, or a non-finite loss.
  public func fit(
    model: any CVRModel, assembler: BatchAssembler, trainRows: [Int32], validRows: [Int32],
    config: TrainingConfig, progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> TrainingResult {
    try config.validate()
    guard !trainRows.isEmpty else { throw TrainingError.data("\(name): no training rows") }
    let trainable = model.trainableParameters
    guard !trainable.isEmpty else { throw TrainingError.noTrainableParameters(model: name) }
    let validLabels = validRows.isEmpty ? [] : try SplitMetrics.labels(assembler.store, rows: validRows)

    let optimizer = Adagrad(trainable, learningRate: Float(config.learningRate),
                            initialAccumulatorValue: Float(config.initialAccumulatorValue))
    let loader = BatchLoader(assembler: assembler, rows: trainRows,
                             options: .init(batchSize: config.batchSize, shuffle: config.shuffle, seed: config.seed))
    defer { loader.shutdown() }
    let tape = Tape(seed: config.seed)
    let clipNorm = Float(config.clipNorm)
    let scorer = Scorer(assembler: assembler, batchSize: config.evalBatchSize)
    let best = ParameterSnapshot(model.parameters)
    optimizer.zeroGrad()

    let started = ProcessInfo.processInfo.systemUptime
    var stepSeconds = 0.0, samples = 0, steps = 0
    var trainLoss: [Double] = [], evaluations: [TrainingResult.Evaluation] = []
    var bestAUC: Double?, bestEpoch = 0, sinceBest = 0, stoppedEarly = false
    let stepsPerEpoch = loader.batchesPerEpoch
    let totalSteps = stepsPerEpoch * config.maxEpochs
    var epoch = 0

    while epoch < config.maxEpochs {
      epoch += 1
      model.isTraining = true
      var lossSum = 0.0, lossCount = 0, step = 0
      let epochStart = ProcessInfo.processInfo.systemUptime
      while let batch = loader.next() {
        step += 1
        tape.reset()
        let loss = model.loss(batch, tape)
        let value = Double(loss.data[0])
        guard value.isFinite else { throw TrainingError.nonFiniteLoss(model: name, epoch: epoch, step: step) }
        tape.backward(loss)
        optimizer.clipGradientNorm(maxNorm: clipNorm)
        optimizer.step()
        optimizer.zeroGrad()
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
      tape.reset()
      trainLoss.append(lossSum / Double(max(lossCount, 1)))

      guard !validRows.isEmpty, epoch % config.evalEvery == 0 || epoch == config.maxEpochs else { continue }
      let metrics = SplitMetrics.compute(scores: scorer.scores(model, rows: validRows), labels: validLabels, users: nil)
      evaluations.append(.init(epoch: epoch, auc: metrics.auc, logLoss: metrics.logLoss))
      guard let auc = metrics.auc else { continue }
      if bestAUC == nil || auc > bestAUC! + config.minDelta {
        bestAUC = auc
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
    model.isTraining = false
    return TrainingResult(
      bestEpoch: bestEpoch, bestAUC: bestAUC, trainLoss: trainLoss, evaluations: evaluations, epochsRun: epoch,
      steps: steps, samplesPerSecond: Double(samples) / max(stepSeconds, 1e-9),
      wallSeconds: ProcessInfo.processInfo.systemUptime - started, stoppedEarly: stoppedEarly)
  }
}
