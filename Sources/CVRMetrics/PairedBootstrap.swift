// The paired bootstrap of a difference between two models scored on the same
// rows: each resample draws rows once and scores both models on that draw.

extension Bootstrap {
  /// Percentile interval of AUC(A) − AUC(B) over `resamples` draws of the rows
  /// with replacement, the same draw for both models (paired by sample), seeded
  /// by `seed`. Each model's scores are sorted once and every resample is an
  /// O(n) weighted Mann–Whitney pass per model (the multiplicities as weights),
  /// as in `Bootstrap.auc`. Resamples without both classes are undefined and
  /// left out. Nil without both classes in the full data.
  public static func aucDifference(
    scoresA: [Double], scoresB: [Double], labels: [Bool], resamples: Int = 1000, alpha: Double = 0.05, seed: UInt64
  ) -> BootstrapInterval? {
    precondition(scoresA.count == labels.count && scoresB.count == labels.count, "scores and labels differ in length")
    guard !labels.isEmpty else { return nil }
    let a = ScoreOrder(scores: scoresA), b = ScoreOrder(scores: scoresB)
    return labels.withUnsafeBufferPointer { l in
      let estimate = a.auc(labels: l).flatMap { x in b.auc(labels: l).map { x - $0 } }
      return interval(rows: labels.count, estimate: estimate, resamples: resamples, alpha: alpha, seed: seed) { w in
        guard let x = a.auc(labels: l, weights: w), let y = b.auc(labels: l, weights: w) else { return nil }
        return x - y
      }
    }
  }

  /// Percentile interval of `metric(A) − metric(B)` for any metric of
  /// (scores, labels, multiplicities): e.g. a weighted log loss. Same pairing and seeding as `aucDifference`.
  public static func difference(
    rows: Int, resamples: Int = 1000, alpha: Double = 0.05, seed: UInt64,
    metric: (_ model: Int, _ weights: UnsafeBufferPointer<Double>?) -> Double?
  ) -> BootstrapInterval? {
    let estimate = metric(0, nil).flatMap { x in metric(1, nil).map { x - $0 } }
    return interval(rows: rows, estimate: estimate, resamples: resamples, alpha: alpha, seed: seed) { w in
      guard let x = metric(0, w), let y = metric(1, w) else { return nil }
      return x - y
    }
  }
}
