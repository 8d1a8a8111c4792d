// The estimators as training losses on the tape: naive, IPS, SNIPS, DR and PVDR
// for the prediction model. Built from existing ops (mul, add, sum, scale); the
// propensity is read as numbers into a constant weight, so no gradient can reach it.
import CVRAutograd

/// How SNIPS normalises on a mini-batch.
public enum SNIPSNormalisation: Sendable, Equatable {
  /// Σ_b o e/p / Σ_b o/p over the batch: the self-normalised estimator of the batch
  /// (what the public MF_Stable_DR code does, seeds-code.md §2.6). Its expectation is
  /// not the epoch's SNIPS (a ratio of batch sums), and a batch without an observed
  /// row gives 0 (no gradient).
  case perBatch
  /// (1/N_b) Σ_b o e/p / w̄ with w̄ = (1/|D|) Σ_D o/p computed once over the epoch
  /// (`meanWeight`): the epoch's SNIPS split into batch terms, so the batch losses
  /// sum to the epoch estimate (times N_b/|D|) and are unbiased for it.
  case perEpoch(meanWeight: Double)
}

extension Tape {
  /// The weight w_i = o_i / clip(p̂_i) as a constant tensor of `shape`, in step memory.
  /// Reads `propensity.data` only: the propensity is detached whatever its tracking.
  func inverseWeights(observed: Tensor, propensity: Tensor, clip: PropensityClip, shape: Shape) -> Tensor {
    precondition(observed.count == shape.count && propensity.count == shape.count,
                 "estimator loss: observed \(observed.shape) and propensity \(propensity.shape) for errors \(shape)")
    let w = empty(shape)
    for i in 0..<shape.count {
      w.data[i] = observed.data[i] != 0 ? Float(1 / clip(Double(propensity.data[i]))) : 0
    }
    return w
  }

  /// Naive loss (EGEAN Eq. 9): Σ o e / Σ o, the mean error over the batch's observed rows.
  ///
  /// Shapes: errors e [N] (or any shape with N elements; tracked), observed o with N
  /// elements in {0, 1}; out []. 0 with no gradient path when no row is observed.
  /// Gradient: dL/de_i = o_i / Σ o.
  public func naiveLoss(errors: Tensor, observed: Tensor) -> Tensor {
    precondition(observed.count == errors.count, "naiveLoss: observed \(observed.shape) for errors \(errors.shape)")
    let o = empty(errors.shape)
    var count: Float = 0
    for i in 0..<errors.count {
      o.data[i] = observed.data[i] != 0 ? 1 : 0
      count += o.data[i]
    }
    return scale(sum(mul(errors, o)), by: count > 0 ? 1 / count : 0)
  }

  /// IPS loss (Schnabel et al. 2016; seeds-code.md §2.6): (1/N) Σ o e / clip(p̂).
  ///
  /// Shapes: errors [N] tracked; observed, propensity with N elements; out []. Mean
  /// over all N rows of the batch (unobserved rows count in N). The propensity is
  /// clipped and detached. Gradient: dL/de_i = o_i / (N clip(p̂_i)); dL/dp̂ = 0.
  public func ipsLoss(errors: Tensor, observed: Tensor, propensity: Tensor, clip: PropensityClip = .standard) -> Tensor {
    let w = inverseWeights(observed: observed, propensity: propensity, clip: clip, shape: errors.shape)
    return scale(sum(mul(errors, w)), by: 1 / Float(errors.count))
  }

  /// SNIPS loss (Swaminathan & Joachims 2015): Σ o e/p / Σ o/p per batch, or the
  /// epoch-normalised form (see `SNIPSNormalisation`); p = clip(p̂), detached.
  ///
  /// Shapes as `ipsLoss`. Gradient: dL/de_i = w_i / Σ_b w (perBatch) or
  /// w_i / (N w̄) (perEpoch), w_i = o_i/p_i.
  public func snipsLoss(
    errors: Tensor, observed: Tensor, propensity: Tensor, clip: PropensityClip = .standard,
    normalisation: SNIPSNormalisation = .perBatch
  ) -> Tensor {
    let w = inverseWeights(observed: observed, propensity: propensity, clip: clip, shape: errors.shape)
    let factor: Float
    switch normalisation {
    case .perBatch:
      var total: Float = 0
      for i in 0..<w.count { total += w.data[i] }
      factor = total > 0 ? 1 / total : 0
    case .perEpoch(let meanWeight):
      precondition(meanWeight > 0, "snipsLoss: the epoch's mean weight must be > 0, got \(meanWeight)")
      factor = Float(1 / (Double(errors.count) * meanWeight))
    }
    return scale(sum(mul(errors, w)), by: factor)
  }

  /// DR loss (Wang et al. ICML 2019 §3): (1/N) Σ [ê + o (e − ê)/p], p = clip(p̂) detached.
  ///
  /// Shapes: errors and imputed of the same shape, N elements; observed, propensity
  /// N elements; out []. Mean over all N rows. By default ê is detached (the
  /// prediction step of DR-JL with the imputation fixed). With `detachImputed: false`
  /// a tracked ê passes its gradient, for the form of Wang et al.'s code where
  /// ê = CE(r̂, r̃) is the prediction's error against the imputed label r̃.
  /// Gradient: dL/de_i = w_i/N; dL/dê_i = (1 − w_i)/N when tracked; w_i = o_i/p_i.
  public func drLoss(
    errors: Tensor, imputed: Tensor, observed: Tensor, propensity: Tensor, clip: PropensityClip = .standard,
    detachImputed: Bool = true
  ) -> Tensor {
    pvdrLoss(
      errors: errors, imputed: imputed, observed: observed, propensity: propensity, lambda: .constant(1), clip: clip,
      detachImputed: detachImputed)
  }

  /// PVDR loss (RECONSTRUCTION, seeds-code.md §2.6 "Eq. 12/13"; EGEAN §2.2.2, whose
  /// Eq. 12 is blank in our copy): (1/N) Σ [λ_i ê_i + o_i (e_i − λ_i ê_i)/p_i],
  /// λ_i = λ(p_i), p = clip(p̂) detached. λ ≡ 0 is `ipsLoss`, λ ≡ 1 is `drLoss`.
  ///
  /// Shapes and ê's detaching as `drLoss`. Computed as (1/N) Σ [w e + λ(1 − w) ê].
  /// Gradient: dL/de_i = w_i/N; dL/dê_i = λ_i (1 − w_i)/N when tracked.
  public func pvdrLoss(
    errors: Tensor, imputed: Tensor, observed: Tensor, propensity: Tensor, lambda: PVDRLambda,
    clip: PropensityClip = .standard, detachImputed: Bool = true
  ) -> Tensor {
    precondition(imputed.shape == errors.shape, "pvdrLoss: imputed \(imputed.shape) for errors \(errors.shape)")
    let w = inverseWeights(observed: observed, propensity: propensity, clip: clip, shape: errors.shape)
    let u = empty(errors.shape)  // λ_i (1 − w_i)
    for i in 0..<errors.count {
      u.data[i] = Float(lambda(clip(Double(propensity.data[i])))) * (1 - w.data[i])
    }
    let h = detachImputed ? imputed.detached : imputed
    return scale(sum(add(mul(errors, w), mul(h, u))), by: 1 / Float(errors.count))
  }
}
