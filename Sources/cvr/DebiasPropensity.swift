// The propensity p̂ of each training rating for `cvr debias train`: the file's
// column, naive Bayes with an MCAR sample, or an MF of the observation pattern;
// the estimators clip it (PropensityClip) before dividing by it.
import CVRAutograd
import CVRCore
import CVREstimators
import CVRModels
import CVROptim
import CVRRatings
import Foundation

enum DebiasPropensitySource: String, CaseIterable, Sendable {
  case file
  case naiveBayes = "naive-bayes"
  case logistic
}

/// p̂ of the training rows, and the model behind them when it is one that scores any cell.
struct DebiasPropensityEstimate {
  /// p̂ per training row (unclipped).
  var values: [Double]
  /// `logistic`: the observation MF (σ(z_ui) = p̂_ui on every cell of the grid), which
  /// StableDR's cycle goes on training and a λ(p̂) of PVDR reads on sampled cells; nil otherwise.
  var model: MatrixFactorizationModel?
}

enum DebiasPropensity {
  /// p̂ for every row of `train` (unclipped), with the logistic model when there is one.
  ///
  /// - `file`: the long file's propensity column.
  /// - `naiveBayes`: `NaiveBayesPropensity` (Schnabel et al. ICML 2016 §5) from the
  ///   training ratings and the MCAR sample, cells = users · items.
  /// - `logistic`: an MF with logistic link of the observation indicator o_ui
  ///   (Schnabel et al. 2016 §5 use logistic regression on features; with only user
  ///   and item ids this is a low-rank logistic model of the pattern, our choice):
  ///   each epoch, every training cell as a positive and 4·|train| uniform grid cells
  ///   not in the training split as negatives with weight (cells − |train|)/(4·|train|),
  ///   so the weighted BCE is that of the full grid; 10 epochs, Adam lr 0.01.
  static func estimate(
    _ source: DebiasPropensitySource, data: RatingsDataset, mcar: RatingsRows?, dim: Int, seed: UInt64
  ) throws -> DebiasPropensityEstimate {
    let train = data.train
    switch source {
    case .file:
      guard let p = train.propensities else {
        throw DebiasTrainError("--propensity file: the training file has no propensity column")
      }
      // The long reader has already refused any propensity outside (0, 1], naming its line.
      return DebiasPropensityEstimate(values: p.map(Double.init))
    case .naiveBayes:
      guard let mcar, mcar.count > 0 else { throw DebiasTrainError("--propensity naive-bayes needs --mcar FILE (an MCAR sample)") }
      let byLevel = try NaiveBayesPropensity.byLevel(
        observed: train.ratings, mcar: mcar.ratings, cells: data.users.count * data.items.count)
      return DebiasPropensityEstimate(values: train.ratings.map { byLevel[$0]! })
    case .logistic:
      let model = observationModel(data: data, dim: dim, seed: seed)
      return DebiasPropensityEstimate(values: probabilities(model, users: train.users, items: train.items), model: model)
    }
  }

  /// σ(z) of `model` on the cells (users[r], items[r]).
  static func probabilities(_ model: MatrixFactorizationModel, users: [Int32], items: [Int32]) -> [Double] {
    let inference = Tape(recording: false)
    let z = model.logits(users: users, items: items, inference)
    let p = (0..<users.count).map { 1 / (1 + exp(-Double(z.data[$0]))) }
    withExtendedLifetime(inference) {}
    return p
  }

  static func observationModel(data: RatingsDataset, dim: Int, seed: UInt64) -> MatrixFactorizationModel {
    let train = data.train
    let (m, n) = (data.users.count, data.items.count)
    var observedCells = Set<Int>(minimumCapacity: train.count)
    for r in 0..<train.count { observedCells.insert(Int(train.users[r]) * n + Int(train.items[r])) }
    let model = MatrixFactorizationModel(userCount: m, itemCount: n, config: .init(dim: dim), seed: seed &+ 7919)
    let optimizer = Adam(model.trainableParameters, learningRate: 0.01, weightDecay: 1e-6)
    var rng = SeededGenerator(seed: seed &+ 104_729)
    let cells = m * n
    let negativesPerPositive = 4
    let negativeWeight = Float(max(cells - train.count, 0)) / Float(negativesPerPositive * train.count)
    let batch = 256
    var order = Array(0..<train.count)
    var users = [Int32](), items = [Int32](), labels = [Float](), weights = [Float]()
    let tape = Tape()
    for _ in 0..<10 {
      order.shuffle(using: &rng)
      var start = 0
      while start < order.count {
        let stop = min(start + batch, order.count)
        users.removeAll(keepingCapacity: true); items.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true); weights.removeAll(keepingCapacity: true)
        for k in start..<stop {
          users.append(train.users[order[k]]); items.append(train.items[order[k]]); labels.append(1); weights.append(1)
        }
        var drawn = 0
        while drawn < negativesPerPositive * (stop - start) && observedCells.count < cells {
          let c = Int(rng.next() % UInt64(cells))
          guard !observedCells.contains(c) else { continue }
          users.append(Int32(c / n)); items.append(Int32(c % n)); labels.append(0); weights.append(negativeWeight)
          drawn += 1
        }
        tape.reset()
        optimizer.zeroGrad()
        let z = model.logits(users: users, items: items, tape).reshaped(Shape(users.count))
        let loss = tape.binaryCrossEntropyWithLogits(
          z, labels: tape.constant(labels, Shape(labels.count)), weights: tape.constant(weights, Shape(weights.count)))
        tape.backward(loss)
        optimizer.step()
        start = stop
      }
    }
    return model
  }
}
