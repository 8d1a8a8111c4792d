// The DR / PVDR prediction loss over a whole users × items grid, estimated per
// step from a batch of observed rows and a batch of uniformly sampled grid cells
// (the form `cvr debias train` trains MF with on ratings).
import CVRAutograd

extension Tape {
  /// The sampled-grid DR / PVDR loss. The grid loss (Wang et al. ICML 2019 §3 for
  /// λ = 1; PVDR's λ the RECONSTRUCTION of `pvdrLoss`, seeds-code.md §2.6) is
  ///   L_D = (1/|D|) Σ_D λ ê + (1/|D|) Σ_O (e − λ ê)/p,
  /// D all cells, O the observed ones. This step's estimate is
  ///   L = λ·(1/|S|) Σ_S ê + ρ·(1/|B|) Σ_B (e − λ ê)/p,
  /// S cells drawn uniformly from D, B a batch drawn uniformly from O, ρ = |O|/|D|
  /// (`gridShare`): E[L] = L_D. With λ a function of p̂ (`PVDRLambda.ofPropensity`)
  /// λ_i = λ(clip(p̂_i)) per cell, so the sampled cells need their propensities
  /// (`sampledPropensity`); a constant λ needs none. (Reading "over all pairs" as sampled pairs, as the
  /// public MF_DR_JL code samples unobserved pairs per batch; the alternative, every
  /// item of the batch's users, is not what this computes.) p = clip(p̂) detached.
  ///
  /// Shapes: errors e and imputed ê of the batch's rows [B] (any shape with B
  /// elements), propensity B elements; sampledImputed ê_S [|S|], sampledPropensity
  /// |S| elements (only read when λ varies); out [].
  /// ê may be tracked (the prediction's error against an imputed label).
  /// Gradient: dL/de_i = ρ/(|B| p_i); dL/dê_i = −λ_i ρ/(|B| p_i); dL/dê_S,j = λ_j/|S|; dL/dp̂ = 0.
  public func sampledPVDRLoss(
    errors: Tensor, imputed: Tensor, sampledImputed: Tensor, propensity: Tensor, sampledPropensity: Tensor? = nil,
    gridShare rho: Float, lambda: PVDRLambda = .constant(1), clip: PropensityClip = .standard
  ) -> Tensor {
    precondition(imputed.shape == errors.shape && propensity.count == errors.count && sampledImputed.count > 0,
                 "sampledPVDRLoss: errors \(errors.shape), imputed \(imputed.shape), propensity \(propensity.shape), sampled \(sampledImputed.shape)")
    let b = errors.count, s = sampledImputed.count
    let w = empty(errors.shape), u = empty(errors.shape), v = empty(sampledImputed.shape)
    for k in 0..<b {
      let p = clip(Double(propensity.data[k]))
      w.data[k] = rho / (Float(b) * Float(p))
      u.data[k] = -Float(lambda(p)) * w.data[k]
    }
    if case .constant(let c) = lambda {
      for j in 0..<s { v.data[j] = Float(c) / Float(s) }
    } else {
      guard let sampledPropensity, sampledPropensity.count == s else {
        preconditionFailure("sampledPVDRLoss: a λ that varies with p̂ needs the sampled cells' propensities")
      }
      for j in 0..<s { v.data[j] = Float(lambda(clip(Double(sampledPropensity.data[j])))) / Float(s) }
    }
    // ρ/|B| Σ_B (e − λ ê)/p + (1/|S|) Σ_S λ ê_S, each weight a constant.
    return add(sum(add(mul(errors, w), mul(imputed, u))), sum(mul(sampledImputed, v)))
  }
}
