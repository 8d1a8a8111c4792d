// The pieces the training loops of `cvr debias train` read each step: logits of
// a batch (with side features), labels, propensities (given or from the cycle's
// model) as step constants, the per-row BCE, the validation criterion and the
// stabilisation residual the report prints.
import CVRAutograd
import CVRModels
import Foundation

extension DebiasRatingsTrainer {
  /// (1/|D|) Σ_O (e − ê)/clip(p̂) over every training rating, D the users × items grid:
  /// `Stabilisation.residual` of the current prediction and imputation (p̂ the cycle's
  /// current propensity model when `learnedPropensity`, else the fixed estimate).
  func stabilisationResidual(_ model: MatrixFactorizationModel, _ imputation: MatrixFactorizationModel,
                             learnedPropensity: Bool) -> Double {
    let train = data.train
    let inference = Tape(recording: false)
    let x = features.batch(train.users, train.items, inference)
    let z = model.logits(users: train.users, items: train.items, features: x, inference)
    let g = imputation.logits(users: train.users, items: train.items, features: x, inference)
    let p = learnedPropensity ? DebiasPropensity.probabilities(propensityModel!, users: train.users, items: train.items) : propensity
    var sum = 0.0
    for r in 0..<train.count {
      let zr = Double(z.data[r]), soft = 1 / (1 + exp(-Double(g.data[r])))
      let softplus = max(zr, 0) + log1p(exp(-abs(zr)))
      let e = softplus - Double(labels[r]) * zr, h = softplus - soft * zr
      sum += (e - h) / settings.clip(p[r])
    }
    withExtendedLifetime(inference) {}
    return sum / (Double(data.users.count) * Double(data.items.count))
  }

  /// σ(z) of the propensity model on the first b cells, a constant [b] (detached: p̂ is
  /// trained only in its own step).
  func modelPropensities(_ u: [Int32], _ i: [Int32], _ b: Int, _ tape: Tape) -> Tensor {
    let z = plainLogits(propensityModel!, u, i, b, tape)
    let t = tape.empty(Shape(b))
    for k in 0..<b { t.data[k] = 1 / (1 + Foundation.exp(-z.data[k])) }
    return t
  }

  /// z [b] of a model without features (the propensity MF).
  func plainLogits(_ model: MatrixFactorizationModel, _ u: [Int32], _ i: [Int32], _ b: Int, _ tape: Tape) -> Tensor {
    u.withUnsafeBufferPointer { ub in
      i.withUnsafeBufferPointer { ib in model.logits(users: ub.baseAddress!, items: ib.baseAddress!, count: b, tape) }
    }.reshaped(Shape(b))
  }

  /// z [b] of the first b (user, item) pairs, without copying the index arrays; with
  /// the rows [x_u; x_i] when the data set has features (the prediction and imputation MF).
  func logits(_ model: MatrixFactorizationModel, _ u: [Int32], _ i: [Int32], _ b: Int, _ tape: Tape) -> Tensor {
    u.withUnsafeBufferPointer { ub in
      i.withUnsafeBufferPointer { ib in
        model.logits(users: ub.baseAddress!, items: ib.baseAddress!, count: b,
                     features: features.batch(ub.baseAddress!, ib.baseAddress!, count: b, tape), tape)
      }
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
    let u = rows.map { data.train.users[$0] }, i = rows.map { data.train.items[$0] }
    let z = model.logits(users: u, items: i, features: features.batch(u, i, inference), inference)
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
