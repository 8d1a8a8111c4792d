// Exact ROC AUC over a whole split: Mann–Whitney U with midranks (ties count
// half), optionally sample-weighted; undefined (nil) without both classes.

/// Area under the ROC curve, computed globally (never as a mean of per-batch AUCs).
public enum AUC {
  /// AUC = P(s⁺ > s⁻) + ½·P(s⁺ = s⁻) over all positive/negative pairs, each pair
  /// weighted by w_i·w_j when `weights` is given (w ≥ 0, one per row).
  ///
  /// `scores`, `labels` (and `weights`) have one entry per row. O(n log n): one
  /// sort, then one pass over runs of equal score. Returns nil when there is no
  /// positive or no negative (total weight 0): an undefined AUC is not 0.5.
  /// A constant score gives exactly 0.5. Scores must not be NaN.
  public static func compute(scores: [Double], labels: [Bool], weights: [Double]? = nil) -> Double? {
    precondition(scores.count == labels.count, "scores.count \(scores.count) ≠ labels.count \(labels.count)")
    if let weights { precondition(weights.count == scores.count, "weights.count ≠ scores.count") }
    return ScoreOrder(scores: scores).auc(labels: labels, weights: weights)
  }

  /// `compute` for Float scores and 0/1 Float labels (label > 0.5 is positive),
  /// the form model outputs and column stores hold.
  public static func compute(scores: [Float], labels: [Float], weights: [Double]? = nil) -> Double? {
    compute(scores: scores.map(Double.init), labels: labels.map { $0 > 0.5 }, weights: weights)
  }
}
