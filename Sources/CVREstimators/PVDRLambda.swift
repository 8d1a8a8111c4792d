// λ of the PVDR family: a constant or a function of the clipped propensity.

/// The weight λ_i on the imputed error in PVDR, λ·ê + o·(e − λ·ê)/p̂
/// (RECONSTRUCTION, seeds-code.md §2.6; EGEAN's Eq. 11 names "a hyperparameter").
///
/// λ ≡ 0 gives IPS, λ ≡ 1 gives DR. `ofPropensity` lets λ vary with p̂_i (after
/// clipping), one of the readings of "parameter varying": e.g. λ = 1 where p̂ is
/// small (lean on the imputation where weights are large) and less elsewhere.
public enum PVDRLambda: Sendable {
  case constant(Double)
  case ofPropensity(@Sendable (Double) -> Double)

  /// λ at clipped propensity p.
  @inline(__always)
  public func callAsFunction(_ p: Double) -> Double {
    switch self {
    case .constant(let value): value
    case .ofPropensity(let f): f(p)
    }
  }

  /// A short text for estimator names: "0.5" or "λ(p̂)".
  var label: String {
    switch self {
    case .constant(let value): "\(value)"
    case .ofPropensity: "λ(p̂)"
    }
  }
}
