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
  /// (`gridShare`): E[L] = L_D. (Reading "over all pairs" as sampled pairs, as the
  /// public MF_DR_JL code samples unobserved pairs per batch; the alternative, every
  /// item of the batch's users, is not what this computes.) p = clip(p̂) detached.
  ///
  /// Shapes: errors e and imputed ê of the batch's rows [B] (any shape with B
  /// elements), propensity B elements; sampledImputed ê_S [|S|]; out [].
  /// ê may be tracked (the prediction's error against an imputed label).
  /// Gradient: dL/de_i = ρ/(|B| p_i); dL/dê_i = −λρ/(|B| p_i); dL/dê_S,j = λ/|S|; dL/dp̂ = 0.
  public func sampledPVDRLoss(
    errors: Tensor, imputed: Tensor, sampledImputed: Tensor, propensity: Tensor, gridShare rho: Float,
    lambda: Float = 1, clip: PropensityClip = .standard
  ) -> Tensor {
    precondition(imputed.shape == errors.shape && propensity.count == errors.count && sampledImputed.count > 0,
                 "sampledPVDRLoss: errors \(errors.shape), imputed \(imputed.shape), propensity \(propensity.shape), sampled \(sampledImputed.shape)")
    let b = errors.count
    let w = empty(errors.shape)
    for k in 0..<b { w.data[k] = rho / (Float(b) * Float(clip(Double(propensity.data[k])))) }
    let correction = sum(mul(sub(errors, scale(imputed, by: lambda)), w))
    return add(scale(sum(sampledImputed), by: lambda / Float(sampledImputed.count)), correction)
  }
}
