// Bootstrap intervals for the split metrics: AUC and GAUC sort once and reweight
// by multiplicities; any other metric of (scores, labels, users) gets the
// resampled rows gathered into reused arrays.

extension Bootstrap {
  /// Interval for `AUC.compute(scores:labels:)`. The scores are sorted once;
  /// each resample is an O(n) weighted Mann–Whitney pass with the draw
  /// multiplicities as weights (exact: they are integers). Draws index the
  /// rows in ascending score order (equal to `interval(scores:labels:…)` with
  /// the same seed when the input is already sorted by score).
  public static func auc(
    scores: [Double], labels: [Bool], resamples: Int = 1000, alpha: Double = 0.05, seed: UInt64
  ) -> BootstrapInterval? {
    precondition(scores.count == labels.count, "scores.count ≠ labels.count")
    guard !scores.isEmpty else { return nil }
    // Resample positions of the score-sorted copy rather than rows: the same
    // distribution, and the O(n) pass reads labels and multiplicities in
    // sequence instead of at random.
    let sorted = ScoreOrder(scores: scores).rows
    let sortedScores = sorted.map { scores[Int($0)] }, sortedLabels = sorted.map { labels[Int($0)] }
    let order = ScoreOrder(scores: sortedScores)
    return sortedLabels.withUnsafeBufferPointer { l in
      interval(rows: scores.count, estimate: order.auc(labels: l), resamples: resamples, alpha: alpha, seed: seed) {
        order.auc(labels: l, weights: $0)
      }
    }
  }

  /// Interval for `GAUC.compute(...).value`, resampling rows (not users), sorted
  /// once by (user, score) and reweighted by multiplicities per resample.
  public static func gauc(
    scores: [Double], labels: [Bool], users: [Int], resamples: Int = 1000, alpha: Double = 0.05, seed: UInt64
  ) -> BootstrapInterval? {
    precondition(scores.count == labels.count, "scores.count ≠ labels.count")
    guard !scores.isEmpty else { return nil }
    let order = UserScoreOrder(scores: scores, users: users)
    return labels.withUnsafeBufferPointer { l in
      interval(
        rows: scores.count, estimate: order.gauc(labels: l, weights: nil).value, resamples: resamples, alpha: alpha,
        seed: seed
      ) { order.gauc(labels: l, weights: $0).value }
    }
  }

  /// Interval for any `metric(scores, labels, users)`: each resample's rows are
  /// gathered (index resampling) into arrays reused across resamples, then
  /// `metric` is called on them; nil from `metric` marks an undefined resample.
  /// `users` may be nil; the metric then receives nil.
  public static func interval(
    scores: [Double], labels: [Bool], users: [Int]? = nil, resamples: Int = 1000, alpha: Double = 0.05,
    seed: UInt64, metric: ([Double], [Bool], [Int]?) -> Double?
  ) -> BootstrapInterval? {
    let n = scores.count
    precondition(labels.count == n && (users?.count ?? n) == n, "scores, labels and users differ in length")
    guard n > 0 else { return nil }
    var sampleScores = scores, sampleLabels = labels, sampleUsers = users
    return interval(rows: n, estimate: metric(scores, labels, users), resamples: resamples, alpha: alpha, seed: seed) {
      counts in
      // Multiplicities → row list: row i appears counts[i] times (a draw
      // order is irrelevant to a metric of the multiset).
      var k = 0
      for i in 0..<n {
        var c = Int(counts[i])
        while c > 0 {
          sampleScores[k] = scores[i]
          sampleLabels[k] = labels[i]
          if users != nil { sampleUsers![k] = users![i] }
          k += 1
          c -= 1
        }
      }
      return metric(sampleScores, sampleLabels, sampleUsers)
    }
  }
}
