// PCOC: predicted over observed conversions, the one-number calibration check
// (1 = calibrated on average; > 1 over-predicts).

public enum PCOC {
  /// PCOC = Σ w_i·p_i / Σ w_i·y_i over one entry per row (w = 1 without
  /// `weights`). Nil when Σ w·y = 0: no observed positives to compare with.
  public static func compute(probabilities: [Double], labels: [Bool], weights: [Double]? = nil) -> Double? {
    precondition(probabilities.count == labels.count, "probabilities.count ≠ labels.count")
    if let weights { precondition(weights.count == labels.count, "weights.count ≠ labels.count") }
    var predicted = 0.0, observed = 0.0
    for i in 0..<labels.count {
      let w = weights?[i] ?? 1
      predicted += w * probabilities[i]
      if labels[i] { observed += w }
    }
    return observed > 0 ? predicted / observed : nil
  }
}
