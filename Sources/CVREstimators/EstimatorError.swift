// The errors of the estimators: bad arrays are named by field and row, never trapped.

/// Why an estimator refused its input.
public enum EstimatorError: Error, Equatable, CustomStringConvertible {
  /// Arrays of different lengths: the field and its length against the expected one.
  case lengthMismatch(field: String, count: Int, expected: Int)
  /// A value out of its domain: field, row (0-based) and the value.
  case invalidValue(field: String, row: Int, value: Double, reason: String)
  /// No rows, or no observed rows where the estimator needs some.
  case empty(String)
  /// A propensity clip out of (0, 1].
  case invalidClip(String)
  /// The stabilisation constraint cannot be met (Σ o·λ/p̂ = 0: λ ≡ 0 or no observed row).
  case unsolvableConstraint(String)
  /// PVDR's λ text that `PVDRLambdaRule` cannot read, and why.
  case invalidLambda(String)

  public var description: String {
    switch self {
    case .lengthMismatch(let field, let count, let expected):
      "\(field): \(count) values, expected \(expected) (one per row)"
    case .invalidValue(let field, let row, let value, let reason):
      "row \(row): field \(field): \(value) \(reason)"
    case .empty(let what): what
    case .invalidClip(let what): what
    case .unsolvableConstraint(let what): what
    case .invalidLambda(let why): why
    }
  }
}
