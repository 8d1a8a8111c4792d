// Log loss (mean binary cross-entropy) over a whole split, in Double, from
// probabilities (clipped) or from logits (exact, no clip needed).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum LogLoss {
  /// The clip applied to probabilities: p ↦ min(max(p, ε), 1 − ε), ε = 1e-15, so
  /// a confident wrong prediction (p = 0 for a positive) costs −log(1e-15) ≈ 34.5
  /// instead of infinity. (scikit-learn ≥ 1.3 clips at the dtype's machine
  /// epsilon instead: the two agree whenever every p is inside [1e-15, 1 − 1e-15].)
  public static let clip = 1e-15

  /// L = −Σ w_i·(y_i·log p_i + (1 − y_i)·log(1 − p_i)) / Σ w_i with p clipped
  /// to [ε, 1 − ε] (`clip`); w_i = 1 without `weights`. One entry per row;
  /// nil when there are no rows (or the weights sum to 0).
  public static func fromProbabilities(_ probabilities: [Double], labels: [Bool], weights: [Double]? = nil) -> Double? {
    precondition(probabilities.count == labels.count, "probabilities.count ≠ labels.count")
    if let weights { precondition(weights.count == labels.count, "weights.count ≠ labels.count") }
    var sum = 0.0, weightSum = 0.0
    for i in 0..<labels.count {
      let w = weights?[i] ?? 1
      guard w != 0 else { continue }
      let p = min(max(probabilities[i], clip), 1 - clip)
      sum -= w * (labels[i] ? log(p) : log(1 - p))
      weightSum += w
    }
    return weightSum > 0 ? sum / weightSum : nil
  }

  /// The same loss from logits z (p = σ(z)), computed stably as
  /// ℓ = max(z, 0) − y·z + log1p(exp(−|z|)); no clip, so it stays exact for
  /// |z| beyond what a probability in Double can express.
  public static func fromLogits(_ logits: [Double], labels: [Bool], weights: [Double]? = nil) -> Double? {
    precondition(logits.count == labels.count, "logits.count ≠ labels.count")
    if let weights { precondition(weights.count == labels.count, "weights.count ≠ labels.count") }
    var sum = 0.0, weightSum = 0.0
    for i in 0..<labels.count {
      let w = weights?[i] ?? 1
      guard w != 0 else { continue }
      let z = logits[i]
      sum += w * (max(z, 0) - (labels[i] ? z : 0) + log1p(exp(-abs(z))))
      weightSum += w
    }
    return weightSum > 0 ? sum / weightSum : nil
  }
}
