// The training loops of `cvr debias train`: one estimator, one seed, MF on the
// training ratings with early stopping on a seeded validation slice, returning
// the test split's scores (docs/estimators.md, "Training on ratings").
import CVRAutograd
import CVRCore
import CVREstimators
import CVRModels
import CVROptim
import CVRRatings
import CVRTraining
import Foundation

/// The hyper-parameters shared by every estimator (defaults in `cvr debias train --help`).
struct DebiasTrainSettings: Sendable {
  var epochs = 30
  var dim = 8
  /// Adam lr 0.01 and weight decay 1e-6 (coupled L2): the settings of the public
  /// MF_DR_JL / MF_MRDR_JL / MF_Stable_DR code of seeds-code.md §2.6 (lr 0.01–0.05,
  /// lamb 1e-6 … 1e-4); one value for all estimators here so they differ only by the loss.
  var learningRate: Float = 0.01
  var weightDecay: Float = 1e-6
  var batchSize = 512
  var patience = 3
  var validationShare = 0.1
  var clip = PropensityClip.standard
  var threshold = PositiveThreshold()
  /// PVDR's constant λ (a RECONSTRUCTION, see `pvdrLoss`).
  var pvdrLambda = 0.5
  /// η of `stableDRImputationLoss`.
  var stablePenalty: Float = 1
}

/// What one run left: the test scores σ(z) and where early stopping stopped.
struct DebiasRunResult {
  var testScores: [Double]
  var bestEpoch: Int
  var epochsRun: Int
}

/// The seeded split of the training rows into a fitting part and a validation
/// slice (the first ⌈share·n⌉ rows of a shuffle by `seed`); the same for every estimator.
struct DebiasSplit {
  var fit: [Int]
  var validation: [Int]
  init(rows: Int, share: Double, seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    var order = Array(0..<rows)
    order.shuffle(using: &rng)
    let v = min(max(1, Int((share * Double(rows)).rounded(.up))), rows - 1)
    validation = Array(order[..<v]).sorted()
    fit = Array(order[v...])
  }
}

final class DebiasRatingsTrainer {
  let data: RatingsDataset
  let test: RatingsRows
  let propensity: [Double]
  let settings: DebiasTrainSettings
  let progress: ProgressLine
  let labels: [Float]

  init(data: RatingsDataset, test: RatingsRows, propensity: [Double], settings: DebiasTrainSettings, progress: ProgressLine) {
    self.data = data
    self.test = test
    self.propensity = propensity
    self.settings = settings
    self.progress = progress
    labels = data.train.labels(settings.threshold)
  }

  /// Trains `estimator` with `seed` (model init, shuffles and sampled cells) and scores the test split.
  func run(_ estimator: DebiasRatingsEstimator, seed: UInt64) -> DebiasRunResult {
    let s = settings
    let (m, n) = (data.users.count, data.items.count)
    let split = DebiasSplit(rows: data.train.count, share: s.validationShare, seed: seed)
    let config = MatrixFactorizationModel.Config(dim: s.dim)
    let model = MatrixFactorizationModel(userCount: m, itemCount: n, config: config, seed: seed &+ 1)
    let imputation = estimator.usesImputation
      ? MatrixFactorizationModel(userCount: m, itemCount: n, config: config, seed: seed &+ 2, displayName: "MF.imputation") : nil
    let optimizer = Adam(model.trainableParameters, learningRate: s.learningRate, weightDecay: s.weightDecay)
    let imputationOptimizer = imputation.map {
      Adam($0.trainableParameters, learningRate: s.learningRate, weightDecay: s.weightDecay)
    }
    let best = ParameterSnapshot(model.trainableParameters)
    var rng = SeededGenerator(seed: seed &+ 3)
    // ρ = |fit| / (users · items): the correction term's share of the grid.
    let rho = Float(Double(split.fit.count) / (Double(m) * Double(n)))
    var meanWeight = 0.0
    for r in split.fit { meanWeight += 1 / s.clip(propensity[r]) }
    meanWeight /= Double(split.fit.count)

    let batch = s.batchSize
    var users = [Int32](repeating: 0, count: batch), items = [Int32](repeating: 0, count: batch)
    var sampledUsers = [Int32](repeating: 0, count: batch), sampledItems = [Int32](repeating: 0, count: batch)
    var order = split.fit
    let tape = Tape()
    let steps = (order.count + batch - 1) / batch
    var bestLoss = Double.infinity, bestEpoch = 0, epochsRun = 0
    let started = ProcessInfo.processInfo.systemUptime
    for epoch in 1...s.epochs {
      order.shuffle(using: &rng)
      var running = 0.0
      for step in 0..<steps {
        let lo = step * batch, b = min(batch, order.count - lo)
        for k in 0..<b {
          users[k] = data.train.users[order[lo + k]]
          items[k] = data.train.items[order[lo + k]]
        }
        if let imputation, let imputationOptimizer {
          // Imputation step, prediction fixed: ê = BCE(σ(z), σ(g)) against e = BCE(σ(z), y).
          tape.reset()
          imputationOptimizer.zeroGrad()
          let z = logits(model, users, items, b, tape).detached
          let e = errors(z, labels: batchLabels(order, lo, b, tape), tape).detached
          let h = errors(z, labels: tape.sigmoid(logits(imputation, users, items, b, tape)), tape)
          let ones = constant(1, b, tape), p = batchPropensities(order, lo, b, tape)
          let loss: Tensor = switch estimator {
          case .mrdr: tape.imputationLoss(.mrdr, errors: e, imputed: h, observed: ones, propensity: p, clip: s.clip)
          case .stabledr:
            tape.stableDRImputationLoss(errors: e, imputed: h, observed: ones, propensity: p, penalty: s.stablePenalty, clip: s.clip)
          default: tape.imputationLoss(.drJL, errors: e, imputed: h, observed: ones, propensity: p, clip: s.clip)
          }
          tape.backward(loss)
          imputationOptimizer.step()
        }
        tape.reset()
        optimizer.zeroGrad()
        let z = logits(model, users, items, b, tape)
        let e = errors(z, labels: batchLabels(order, lo, b, tape), tape)
        let ones = constant(1, b, tape), p = batchPropensities(order, lo, b, tape)
        let loss: Tensor
        switch estimator {
        case .naive: loss = tape.naiveLoss(errors: e, observed: ones)
        case .ips: loss = tape.ipsLoss(errors: e, observed: ones, propensity: p, clip: s.clip)
        case .snips:
          loss = tape.snipsLoss(errors: e, observed: ones, propensity: p, clip: s.clip, normalisation: .perEpoch(meanWeight: meanWeight))
        case .drJL, .mrdr, .stabledr, .pvdr:
          for k in 0..<b {
            sampledUsers[k] = Int32(rng.next() % UInt64(m))
            sampledItems[k] = Int32(rng.next() % UInt64(n))
          }
          let lambda: Float = estimator == .pvdr ? Float(s.pvdrLambda) : 1
          let g = imputation!
          let zs = logits(model, sampledUsers, sampledItems, b, tape)
          let hs = errors(zs, labels: tape.sigmoid(logits(g, sampledUsers, sampledItems, b, tape)).detached, tape)
          let hb = errors(z, labels: tape.sigmoid(logits(g, users, items, b, tape)).detached, tape)
          // ê = BCE(σ(z), r̃), r̃ = σ(g) detached: the gradient reaches z through e and ê (Wang et al.'s code).
          loss = tape.sampledPVDRLoss(
            errors: e, imputed: hb, sampledImputed: hs, propensity: p, gridShare: rho, lambda: lambda, clip: s.clip)
        }
        tape.backward(loss)
        optimizer.step()
        running += Double(loss.data[0])
        let elapsed = ProcessInfo.processInfo.systemUptime - started
        let done = (epoch - 1) * steps + step + 1
        progress.update(TrainingProgress(
          stage: "train", model: estimator.rawValue, epoch: epoch, maxEpochs: s.epochs, step: step + 1, stepsPerEpoch: steps,
          samplesPerSecond: Double(done * batch) / max(elapsed, 1e-9), runningLoss: running / Double(step + 1),
          etaSeconds: TrainingProgress.eta(stepsDone: done, stepsTotal: s.epochs * steps, elapsedSeconds: elapsed)))
      }
      epochsRun = epoch
      let v = validationLoss(model, rows: split.validation)
      if v < bestLoss {
        bestLoss = v
        bestEpoch = epoch
        best.capture()
      } else if epoch - bestEpoch >= s.patience {
        break
      }
    }
    best.restore()
    let inference = Tape(recording: false)
    let z = model.logits(users: test.users, items: test.items, inference)
    let scores = (0..<test.count).map { 1 / (1 + exp(-Double(z.data[$0]))) }
    withExtendedLifetime(inference) {}
    return DebiasRunResult(testScores: scores, bestEpoch: bestEpoch, epochsRun: epochsRun)
  }

  /// z [b] of the first b (user, item) pairs, without copying the index arrays.
  func logits(_ model: MatrixFactorizationModel, _ u: [Int32], _ i: [Int32], _ b: Int, _ tape: Tape) -> Tensor {
    u.withUnsafeBufferPointer { ub in
      i.withUnsafeBufferPointer { ib in model.logits(users: ub.baseAddress!, items: ib.baseAddress!, count: b, tape) }
    }.reshaped(Shape(b))
  }

  /// A constant [b] of `value`, in step memory.
  func constant(_ value: Float, _ b: Int, _ tape: Tape) -> Tensor {
    let t = tape.empty(Shape(b))
    for k in 0..<b { t.data[k] = value }
    return t
  }

  /// The labels y of rows order[lo ..< lo + b], a constant [b] in step memory.
  func batchLabels(_ order: [Int], _ lo: Int, _ b: Int, _ tape: Tape) -> Tensor {
    let t = tape.empty(Shape(b))
    for k in 0..<b { t.data[k] = labels[order[lo + k]] }
    return t
  }

  /// p̂ (unclipped; the losses clip) of rows order[lo ..< lo + b], a constant [b] in step memory.
  func batchPropensities(_ order: [Int], _ lo: Int, _ b: Int, _ tape: Tape) -> Tensor {
    let t = tape.empty(Shape(b))
    for k in 0..<b { t.data[k] = Float(propensity[order[lo + k]]) }
    return t
  }

  /// Per-row BCE e_i = softplus(z_i) − y_i z_i of σ(z) against labels y ([N], constant or tracked).
  func errors(_ z: Tensor, labels y: Tensor, _ tape: Tape) -> Tensor { tape.sub(tape.softplus(z), tape.mul(y, z)) }

  /// The validation criterion, the same for every estimator: SNIPS of the BCE over
  /// the validation ratings, Σ e/p / Σ 1/p with p = clip(p̂) (an estimate of the
  /// MCAR loss from MNAR ratings; the test split is never read).
  func validationLoss(_ model: MatrixFactorizationModel, rows: [Int]) -> Double {
    let inference = Tape(recording: false)
    let z = model.logits(users: rows.map { data.train.users[$0] }, items: rows.map { data.train.items[$0] }, inference)
    var num = 0.0, den = 0.0
    for (k, r) in rows.enumerated() {
      let zk = Double(z.data[k]), y = Double(labels[r])
      let e = max(zk, 0) - zk * y + log1p(exp(-abs(zk)))
      let w = 1 / settings.clip(propensity[r])
      num += w * e
      den += w
    }
    withExtendedLifetime(inference) {}
    return num / den
  }
}
