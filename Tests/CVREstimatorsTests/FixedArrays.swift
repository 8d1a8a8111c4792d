// The fixed 12-row array of Scripts/golden-estimators.py, shared by the golden,
// limit and loss tests. Row 8 is observed with p̂ = 0.03, below the 0.05 floor.
import CVREstimators

enum FixedArrays {
  static let observed = [true, false, true, true, false, true, false, false, true, true, false, true]
  static let errors = [0.35, 0.0, 1.20, 0.05, 0.0, 0.80, 0.0, 0.0, 2.10, 0.45, 0.0, 0.60]
  static let propensities = [0.30, 0.50, 0.08, 0.90, 0.20, 0.45, 0.03, 0.70, 0.03, 0.60, 0.15, 0.25]
  static let imputed = [0.40, 0.30, 0.90, 0.10, 0.50, 0.70, 0.20, 0.35, 1.50, 0.50, 0.25, 0.55]

  static func input(imputed: [Double]? = FixedArrays.imputed) -> EstimatorInput {
    try! EstimatorInput(observed: observed, errors: errors, propensities: propensities, imputed: imputed)
  }
}

/// |a − b| ≤ tolerance · max(1, |b|).
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-13) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(b))
}
