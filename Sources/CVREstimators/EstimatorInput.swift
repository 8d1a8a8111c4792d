// The per-sample arrays every estimator reads (the shape of the Open Bandit
// Pipeline's inputs): observed indicators, errors, propensities, imputed errors.

/// One row per sample (user–item pair, impression) of the space D the loss is taken over.
///
/// - `observed` o_i ∈ {0, 1}: whether the label is observed (clicked / rated).
/// - `errors` e_i: the per-sample loss of the prediction against the label, e.g.
///   CE(r_i, r̂_i). Read only where o_i = 1 (any finite value elsewhere).
/// - `propensities` p̂_i = P̂(o_i = 1) ∈ [0, 1], clamped to [clip.floor, clip.ceiling]
///   before any division (0 becomes the floor). Constants: never differentiated.
/// - `imputed` ê_i: the imputation model's estimate of e_i, defined on every row;
///   optional for the estimators that do not use it (naive, IPS, SNIPS).
public struct EstimatorInput: Sendable {
  public let observed: [Bool]
  public let errors: [Double]
  public let propensities: [Double]
  public let imputed: [Double]?
  public let clip: PropensityClip

  /// Checks lengths and domains: errors finite on observed rows, propensities finite
  /// in [0, 1], imputed finite everywhere. The error names the field and row.
  public init(
    observed: [Bool], errors: [Double], propensities: [Double], imputed: [Double]? = nil,
    clip: PropensityClip = .standard
  ) throws(EstimatorError) {
    let n = observed.count
    guard n > 0 else { throw .empty("no rows") }
    guard errors.count == n else { throw .lengthMismatch(field: "errors", count: errors.count, expected: n) }
    guard propensities.count == n else {
      throw .lengthMismatch(field: "propensities", count: propensities.count, expected: n)
    }
    if let imputed, imputed.count != n { throw .lengthMismatch(field: "imputed", count: imputed.count, expected: n) }
    for i in 0..<n {
      if observed[i] && !errors[i].isFinite {
        throw .invalidValue(field: "errors", row: i, value: errors[i], reason: "is not finite on an observed row")
      }
      let p = propensities[i]
      if !(p >= 0 && p <= 1) {
        throw .invalidValue(field: "propensities", row: i, value: p, reason: "is not in [0, 1]")
      }
      if let imputed, !imputed[i].isFinite {
        throw .invalidValue(field: "imputed", row: i, value: imputed[i], reason: "is not finite")
      }
    }
    self.observed = observed
    self.errors = errors
    self.propensities = propensities
    self.imputed = imputed
    self.clip = clip
  }

  /// N, the number of rows.
  public var count: Int { observed.count }

  /// The same rows with other imputed errors (checked).
  public func with(imputed: [Double]) throws(EstimatorError) -> EstimatorInput {
    try EstimatorInput(observed: observed, errors: errors, propensities: propensities, imputed: imputed, clip: clip)
  }

  /// The imputed errors, or an error naming the estimator that needs them.
  func requireImputed(_ estimator: String) throws(EstimatorError) -> [Double] {
    guard let imputed else { throw .empty("\(estimator) needs imputed errors") }
    return imputed
  }
}
