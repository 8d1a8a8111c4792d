// RelaImpr (Yan et al. 2014): a model's AUC lift over a base model, relative to
// the base's lift over random guessing — the comparison CTR/CVR papers report.

public enum RelaImpr {
  /// RelaImpr = ((AUC_model − 0.5) / (AUC_base − 0.5) − 1) × 100, in percent.
  /// Nil when the base AUC is exactly 0.5 (no lift to compare with).
  public static func percent(model: Double, base: Double) -> Double? {
    guard base != 0.5 else { return nil }
    return ((model - 0.5) / (base - 0.5) - 1) * 100
  }
}
