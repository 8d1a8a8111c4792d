// Booster settings for the XGBoost baseline, defaulting to the MetaCVR paper's
// (70 trees, depth 5, min child weight 10, row and column subsampling 0.6).
import CVRData

/// XGBoost training settings. Defaults marked "paper" are the MetaCVR paper's
/// XGBoost baseline; the rest are XGBoost's own defaults or choices made here.
public struct XGBoostParameters: Sendable, Equatable {
  /// Boosting rounds = trees for a binary objective (paper: 70).
  public var rounds: Int = 70
  /// `max_depth` (paper: 5).
  public var maxDepth: Int = 5
  /// `min_child_weight`, the minimum Hessian sum in a leaf (paper: 10).
  public var minChildWeight: Double = 10
  /// `subsample`, the fraction of rows per tree (paper: 0.6).
  public var subsample: Double = 0.6
  /// `colsample_bytree`, the fraction of columns per tree (paper: 0.6).
  public var columnSubsample: Double = 0.6
  /// `eta`, the learning rate. The paper does not give one: XGBoost's default 0.3.
  public var learningRate: Double = 0.3
  /// `objective` (binary:logistic: predictions are probabilities).
  public var objective: String = "binary:logistic"
  /// `eval_metric` (log loss; only reported by XGBoost, not used to stop early).
  public var evalMetric: String = "logloss"
  /// `tree_method`. Not in the paper; "hist" is fast and XGBoost 2's default
  /// (1.7's "auto" would pick "exact" on small data).
  public var treeMethod: String = "hist"
  /// `seed` for row and column subsampling: the same seed gives the same model.
  public var seed: UInt64 = 0
  /// `nthread`; 0 lets XGBoost use every core.
  public var threads: Int = 0

  public init() {}

  /// The parameters as XGBoost's (name, value) strings, in the order they are set.
  /// `verbosity` 0 keeps XGBoost's warnings off standard output; errors still throw.
  public var xgboostPairs: [(String, String)] {
    var pairs: [(String, String)] = [
      ("verbosity", "0"),
      ("objective", objective),
      ("eval_metric", evalMetric),
      ("tree_method", treeMethod),
      ("max_depth", String(maxDepth)),
      ("min_child_weight", String(minChildWeight)),
      ("subsample", String(subsample)),
      ("colsample_bytree", String(columnSubsample)),
      ("eta", String(learningRate)),
      ("seed", String(seed)),
    ]
    if threads > 0 { pairs.append(("nthread", String(threads))) }
    return pairs
  }
}
