// The imputation models' training losses on the tape, with the prediction fixed:
// DR-JL's and MRDR's weighted squared errors and StableDR's constrained objective.
import CVRAutograd

extension Tape {
  /// The imputation loss of DR-JL or MRDR (see `ImputationLoss`):
  /// (1/N) Σ o_i w(p_i) (e_i − ê_i)², w = 1/p (DR-JL, Wang et al. 2019) or
  /// (1 − p)/p² (MRDR, Guo et al. SIGIR 2021); p = clip(p̂) detached.
  ///
  /// Shapes: errors and imputed of the same shape, N elements; observed and propensity
  /// N elements; out []. Mean over all N rows (the imputation is fit on observed rows;
  /// unobserved ones add 0). e is detached: the prediction is fixed in this step.
  /// Gradient: dL/dê_i = −2 o_i w(p_i) (e_i − ê_i)/N; dL/de = 0; dL/dp̂ = 0.
  public func imputationLoss(
    _ kind: ImputationLoss, errors: Tensor, imputed: Tensor, observed: Tensor, propensity: Tensor,
    clip: PropensityClip = .standard
  ) -> Tensor {
    precondition(imputed.shape == errors.shape, "imputationLoss: imputed \(imputed.shape) for errors \(errors.shape)")
    precondition(observed.count == errors.count && propensity.count == errors.count,
                 "imputationLoss: observed \(observed.shape) and propensity \(propensity.shape) for errors \(errors.shape)")
    let weights = empty(errors.shape)
    for i in 0..<errors.count {
      weights.data[i] = observed.data[i] != 0 ? Float(kind.weight(clip(Double(propensity.data[i])))) : 0
    }
    let residual = sub(errors.detached, imputed)
    return scale(sum(mul(mul(residual, residual), weights)), by: 1 / Float(errors.count))
  }

  /// StableDR's constrained imputation objective, in penalty form:
  ///   (1/N) Σ o (e − ê)²/p + η · [ (1/N) Σ o (e − ê)/p ]²,
  /// the DR-JL imputation loss plus η times the squared stabilisation residual
  /// (Li, Zheng & Wu ICLR 2023 impose Σ o (e − ê)/p = 0; RECONSTRUCTION of how: the
  /// penalty follows the public MF_Stable_DR code of seeds-code.md §2.6, which puts the
  /// constraint into a penalty with weight η). η → ∞ enforces it; an exact fit is
  /// `Stabilisation.shift` (a free intercept) after training. p = clip(p̂) detached,
  /// e detached (prediction fixed).
  ///
  /// Shapes as `imputationLoss`; out []. With r = e − ê, w = o/p, s = (1/N) Σ w r:
  /// dL/dê_i = −2 w_i r_i/N − 2η s w_i/N.
  public func stableDRImputationLoss(
    errors: Tensor, imputed: Tensor, observed: Tensor, propensity: Tensor, penalty eta: Float,
    clip: PropensityClip = .standard
  ) -> Tensor {
    pvdrImputationLoss(errors: errors, imputed: imputed, observed: observed, propensity: propensity,
                       lambda: .constant(1), penalty: eta, clip: clip)
  }

  /// PVDR's imputation objective with its steady-state control as a penalty
  /// (RECONSTRUCTION, seeds-code.md §2.6 "Eq. 10–11"; EGEAN §2.2.2 names an
  /// imputation loss, Eq. 10, and a steady-state control condition, Eq. 11, both blank
  /// in our copy):
  ///   (1/N) Σ o (e − ê)²/p + η · [ (1/N) Σ o (e − λ_i ê)/p ]²,
  /// the DR-JL fit plus η times the squared residual of the condition
  /// (1/N) Σ o (e − λ ê)/p = 0, under which the PVDR loss (1/N) Σ [λ ê + o (e − λ ê)/p]
  /// equals (1/N) Σ λ ê. λ ≡ 1 is `stableDRImputationLoss`; λ_i = λ(clip(p̂_i)).
  /// p = clip(p̂) detached, e detached (prediction fixed).
  ///
  /// Shapes as `imputationLoss`; out []. With r = e − ê, w = o/p, c = (1/N) Σ w (e − λ ê):
  /// dL/dê_i = −2 w_i r_i/N − 2η c λ_i w_i/N.
  public func pvdrImputationLoss(
    errors: Tensor, imputed: Tensor, observed: Tensor, propensity: Tensor, lambda: PVDRLambda, penalty eta: Float,
    clip: PropensityClip = .standard
  ) -> Tensor {
    precondition(imputed.shape == errors.shape, "pvdrImputationLoss: imputed \(imputed.shape) for errors \(errors.shape)")
    let w = inverseWeights(observed: observed, propensity: propensity, clip: clip, shape: errors.shape)
    let residual = sub(errors.detached, imputed)
    let invN = 1 / Float(errors.count)
    let fit = scale(sum(mul(mul(residual, residual), w)), by: invN)
    let lambdaW = empty(errors.shape)  // λ_i w_i
    for i in 0..<errors.count { lambdaW.data[i] = Float(lambda(clip(Double(propensity.data[i])))) * w.data[i] }
    let steady = sub(mul(errors.detached, w), mul(imputed, lambdaW))
    let constraint = scale(sum(steady), by: invN)
    return add(fit, scale(mul(constraint, constraint), by: eta))
  }
}
