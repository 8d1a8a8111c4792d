// StableDR's stabilisation constraint and PVDR's steady-state condition: the
// residual, and the shift of the imputation that makes it zero.

/// The constraint of StableDR (Li, Zheng & Wu ICLR 2023, arXiv 2205.04701: the
/// stabilisation constraint on the imputation model, as in seeds-code.md §2.6)
///   (1/|D|) Σ_i o_i (e_i − ê_i) / p̂_i = 0,
/// and its λ-weighted form, PVDR's steady-state condition (RECONSTRUCTION,
/// seeds-code.md §2.6 "Eq. 11"; EGEAN's Eq. 11 is blank in our copy):
///   (1/|D|) Σ_i o_i (e_i − λ_i ê_i) / p̂_i = 0.
/// When it holds, the DR/PVDR correction term vanishes and the estimate is
/// (1/|D|) Σ λ_i ê_i, bounded by the imputations however small p̂ is.
public enum Stabilisation {
  /// (1/|D|) Σ o (e − λê)/p, with p clipped; 0 when the condition holds.
  public static func residual(_ input: EstimatorInput, lambda: PVDRLambda = .constant(1)) throws(EstimatorError) -> Double {
    let h = try input.requireImputed("stabilisation residual")
    var sum = 0.0
    for i in 0..<input.count where input.observed[i] {
      let p = input.clip(input.propensities[i])
      sum += (input.errors[i] - lambda(p) * h[i]) / p
    }
    return sum / Double(input.count)
  }

  /// The intercept δ that makes ê + δ meet the condition:
  ///   δ = Σ o (e − λê)/p / Σ o λ/p.
  /// This is the closed-form fit of an intercept added to any imputation model
  /// (the one free parameter the constraint pins; a weighted least-squares fit
  /// with an intercept meets it by its normal equation for the intercept, Li et al.
  /// 2023). With ê ≡ 0 and λ ≡ 1 the shifted imputation is the constant SNIPS value.
  /// Throws when Σ o λ/p = 0 (λ ≡ 0, or no observed row).
  public static func shift(_ input: EstimatorInput, lambda: PVDRLambda = .constant(1)) throws(EstimatorError) -> Double {
    let h = try input.requireImputed("stabilising shift")
    guard let delta = weightedShift(input, imputed: h, lambda: lambda, weights: nil) else {
      throw .unsolvableConstraint("stabilising shift: Σ o·λ/p̂ = 0, the constraint has no solution")
    }
    return delta
  }

  /// The imputed errors shifted by `shift`, as a new input: ê_i + δ.
  public static func stabilised(_ input: EstimatorInput, lambda: PVDRLambda = .constant(1)) throws(EstimatorError) -> EstimatorInput {
    let delta = try shift(input, lambda: lambda)
    return try input.with(imputed: input.imputed!.map { $0 + delta })
  }

  /// δ with multiplicities c (nil = all 1); nil when Σ c o λ/p = 0.
  static func weightedShift(
    _ input: EstimatorInput, imputed h: [Double], lambda: PVDRLambda, weights: UnsafeBufferPointer<Double>?
  ) -> Double? {
    var numerator = 0.0, denominator = 0.0
    for i in 0..<input.count where input.observed[i] {
      let c = weights?[i] ?? 1
      let p = input.clip(input.propensities[i]), l = lambda(p)
      numerator += c * (input.errors[i] - l * h[i]) / p
      denominator += c * l / p
    }
    return denominator != 0 ? numerator / denominator : nil
  }
}
