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
  /// PVDR's λ, a constant or a function of p̂ (a RECONSTRUCTION, see `PVDRLambdaRule`).
  var pvdrLambda = PVDRLambdaRule(.constant(0.5))
  /// η of StableDR's imputation penalty (`stableDRImputationLoss`).
  var stablePenalty: Float = 1
  /// η_p of the cycle's propensity step (`stableDRPropensityLoss`, mean form). Default
  /// 128: the public MF_Stable_DR code's η = 1 on sums over its batch of 128 cells,
  /// (Σ BCE) + η (Σ …)², divided by |S| = 128 to our means: mean BCE + 128 η (mean …)².
  var stablePropensityPenalty: Float = 128
  /// Whether StableDR runs its cycle (the propensity is the logistic model, which it
  /// updates); with a given propensity the propensity step is skipped.
  var stableCycle = false
  /// Hidden widths of the feature MLP (when feature files are given).
  var featureHidden = [16]
}

/// What one run left: the test scores σ(z), where early stopping stopped, and the
/// stabilisation residual (1/|D|) Σ o (e − ê)/p̂ at the best epoch (imputation estimators).
struct DebiasRunResult {
  var testScores: [Double]
  var bestEpoch: Int
  var epochsRun: Int
  var stabilisationResidual: Double?
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
  /// p̂ of the training rows as estimated before training (early stopping always reads these).
  let propensity: [Double]
  /// The logistic observation model, when p̂ comes from one, and its pre-trained state
  /// (restored before each run: StableDR's cycle changes it).
  let propensityModel: MatrixFactorizationModel?
  let propensityStart: ParameterSnapshot?
  let settings: DebiasTrainSettings
  let progress: ProgressLine
  let labels: [Float]
  let features: DebiasFeatures
  /// Rated cells u·n + i of the training file (o = 1), for the cycle's sampled cells.
  let observedCells: Set<Int>

  init(data: RatingsDataset, test: RatingsRows, propensity: DebiasPropensityEstimate, settings: DebiasTrainSettings,
       progress: ProgressLine) {
    self.data = data
    self.test = test
    self.propensity = propensity.values
    propensityModel = propensity.model
    propensityStart = propensity.model.map { ParameterSnapshot($0.trainableParameters) }
    propensityStart?.capture()
    self.settings = settings
    self.progress = progress
    labels = data.train.labels(settings.threshold)
    features = DebiasFeatures(data)
    let n = data.items.count
    var cells = Set<Int>(minimumCapacity: propensity.model == nil ? 0 : data.train.count)
    if propensity.model != nil {
      for r in 0..<data.train.count { cells.insert(Int(data.train.users[r]) * n + Int(data.train.items[r])) }
    }
    observedCells = cells
  }

  /// Trains `estimator` with `seed` (model init, shuffles and sampled cells) and scores the test split.
  func run(_ estimator: DebiasRatingsEstimator, seed: UInt64) -> DebiasRunResult {
    let s = settings
    let (m, n) = (data.users.count, data.items.count)
    let split = DebiasSplit(rows: data.train.count, share: s.validationShare, seed: seed)
    let config = MatrixFactorizationModel.Config(dim: s.dim, featureHidden: s.featureHidden)
    let fw = features.width
    let model = MatrixFactorizationModel(userCount: m, itemCount: n, featureWidth: fw, config: config, seed: seed &+ 1)
    let imputation = estimator.usesImputation
      ? MatrixFactorizationModel(userCount: m, itemCount: n, featureWidth: fw, config: config, seed: seed &+ 2,
                                 displayName: "MF.imputation") : nil
    let optimizer = Adam(model.trainableParameters, learningRate: s.learningRate, weightDecay: s.weightDecay)
    let imputationOptimizer = imputation.map {
      Adam($0.trainableParameters, learningRate: s.learningRate, weightDecay: s.weightDecay)
    }
    // StableDR's cycle (Li et al. ICLR 2023, "cycle learning"): the propensity is learned, so it takes its own step.
    let cycle = estimator == .stabledr && s.stableCycle && propensityModel != nil
    let lambda = estimator == .pvdr ? s.pvdrLambda.lambda : .constant(1)
    let readsModelPropensity = cycle || (estimator == .pvdr && !s.pvdrLambda.isConstant)
    if readsModelPropensity { propensityStart?.restore() }
    let propensityOptimizer = cycle ? Adam(propensityModel!.trainableParameters, learningRate: 0.01, weightDecay: 1e-6) : nil
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
    var residual: Double? = nil
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
          let ones = constant(1, b, tape)
          let p = cycle ? modelPropensities(users, items, b, tape) : batchPropensities(order, lo, b, tape)
          let loss: Tensor = switch estimator {
          case .mrdr: tape.imputationLoss(.mrdr, errors: e, imputed: h, observed: ones, propensity: p, clip: s.clip)
          case .stabledr:
            tape.stableDRImputationLoss(errors: e, imputed: h, observed: ones, propensity: p, penalty: s.stablePenalty, clip: s.clip)
          default: tape.imputationLoss(.drJL, errors: e, imputed: h, observed: ones, propensity: p, clip: s.clip)
          }
          tape.backward(loss)
          imputationOptimizer.step()
        }
        if imputation != nil {
          for k in 0..<b {
            sampledUsers[k] = Int32(rng.next() % UInt64(m))
            sampledItems[k] = Int32(rng.next() % UInt64(n))
          }
        }
        if cycle, let propensityOptimizer {
          // Propensity step, imputation and prediction fixed: BCE of o on the sampled cells
          // plus η times the squared stabilisation residual (`stableDRPropensityLoss`).
          tape.reset()
          propensityOptimizer.zeroGrad()
          let zs = logits(model, sampledUsers, sampledItems, b, tape).detached
          let hs = errors(zs, labels: tape.sigmoid(logits(imputation!, sampledUsers, sampledItems, b, tape)), tape).detached
          let o = tape.empty(Shape(b))
          for k in 0..<b { o.data[k] = observedCells.contains(Int(sampledUsers[k]) * n + Int(sampledItems[k])) ? 1 : 0 }
          let loss = tape.stableDRPropensityLoss(
            logits: plainLogits(propensityModel!, sampledUsers, sampledItems, b, tape), observed: o, imputed: hs,
            penalty: s.stablePropensityPenalty, clip: s.clip)
          tape.backward(loss)
          propensityOptimizer.step()
        }
        tape.reset()
        optimizer.zeroGrad()
        let z = logits(model, users, items, b, tape)
        let e = errors(z, labels: batchLabels(order, lo, b, tape), tape)
        let ones = constant(1, b, tape)
        let p = cycle ? modelPropensities(users, items, b, tape) : batchPropensities(order, lo, b, tape)
        let loss: Tensor
        switch estimator {
        case .naive: loss = tape.naiveLoss(errors: e, observed: ones)
        case .ips: loss = tape.ipsLoss(errors: e, observed: ones, propensity: p, clip: s.clip)
        case .snips:
          loss = tape.snipsLoss(errors: e, observed: ones, propensity: p, clip: s.clip, normalisation: .perEpoch(meanWeight: meanWeight))
        case .drJL, .mrdr, .stabledr, .pvdr:
          let g = imputation!
          let zs = logits(model, sampledUsers, sampledItems, b, tape)
          let hs = errors(zs, labels: tape.sigmoid(logits(g, sampledUsers, sampledItems, b, tape)).detached, tape)
          let hb = errors(z, labels: tape.sigmoid(logits(g, users, items, b, tape)).detached, tape)
          let ps = readsModelPropensity && !cycle ? modelPropensities(sampledUsers, sampledItems, b, tape) : nil
          // ê = BCE(σ(z), r̃), r̃ = σ(g) detached: the gradient reaches z through e and ê (Wang et al.'s code).
          loss = tape.sampledPVDRLoss(
            errors: e, imputed: hb, sampledImputed: hs, propensity: p, sampledPropensity: ps, gridShare: rho,
            lambda: lambda, clip: s.clip)
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
        residual = imputation.map { stabilisationResidual(model, $0, learnedPropensity: cycle) }
      } else if epoch - bestEpoch >= s.patience {
        break
      }
    }
    best.restore()
    let inference = Tape(recording: false)
    let z = model.logits(users: test.users, items: test.items, features: features.batch(test.users, test.items, inference), inference)
    let scores = (0..<test.count).map { 1 / (1 + exp(-Double(z.data[$0]))) }
    withExtendedLifetime(inference) {}
    return DebiasRunResult(testScores: scores, bestEpoch: bestEpoch, epochsRun: epochsRun, stabilisationResidual: residual)
  }
}
