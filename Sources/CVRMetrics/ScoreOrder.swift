// Scores sorted once, grouped into runs of equal score: AUC, the ROC curve and
// the AUC bootstrap all walk this order instead of sorting again.

/// The rows of a score vector in ascending score order, in runs of equal score.
///
/// Sorting is O(n log n) (a sort of (score, row) pairs); every walk over the
/// order afterwards is O(n). Scores must not be NaN (a NaN has no rank).
public struct ScoreOrder: Sendable {
  /// Row indices by ascending score; rows with equal scores keep row order.
  public let rows: [Int32]
  /// Run g of equal scores is `rows[groupStarts[g] ..< groupStarts[g + 1]]`;
  /// the last element is the row count, so there are `groupStarts.count − 1` runs.
  public let groupStarts: [Int32]

  /// Sorts `scores` (n < 2^31 rows, no NaN).
  public init(scores: [Double]) {
    precondition(scores.count < Int(Int32.max), "ScoreOrder holds fewer than 2^31 rows")
    var pairs = [(score: Double, row: Int32)]()
    pairs.reserveCapacity(scores.count)
    for (i, s) in scores.enumerated() {
      precondition(!s.isNaN, "score \(i) is NaN: a NaN has no rank")
      pairs.append((s, Int32(i)))
    }
    pairs.sort { $0.score < $1.score || ($0.score == $1.score && $0.row < $1.row) }
    var rows = [Int32](repeating: 0, count: pairs.count)
    var starts: [Int32] = []
    for k in 0..<pairs.count {
      rows[k] = pairs[k].row
      if k == 0 || pairs[k].score != pairs[k - 1].score { starts.append(Int32(k)) }
    }
    starts.append(Int32(pairs.count))
    self.rows = rows
    self.groupStarts = starts
  }

  /// The number of distinct scores.
  public var groupCount: Int { groupStarts.count - 1 }

  /// Weighted Mann–Whitney AUC over this order:
  ///
  ///   AUC = Σ_{i∈pos, j∈neg} w_i·w_j·([s_i > s_j] + ½[s_i = s_j]) / (W₊ · W₋)
  ///
  /// computed per run g as Σ_g P_g·(N_below + ½·N_g) / (W₊·W₋), where P_g and N_g
  /// are the positive and negative weight in run g. With integer weights (none,
  /// or bootstrap multiplicities) every partial sum is an exact integer or
  /// half-integer below 2^53, so the result is the exact ratio rounded once.
  /// `labels` and `weights` are indexed by row (count = rows.count). Nil when
  /// W₊ = 0 or W₋ = 0: the AUC is undefined then, never 0.5.
  public func auc(labels: UnsafeBufferPointer<Bool>, weights: UnsafeBufferPointer<Double>? = nil) -> Double? {
    precondition(labels.count == rows.count, "labels.count \(labels.count) ≠ rows \(rows.count)")
    var numerator = 0.0, negativeBelow = 0.0, positiveTotal = 0.0
    rows.withUnsafeBufferPointer { order in
      groupStarts.withUnsafeBufferPointer { starts in
        for g in 0..<(starts.count - 1) {
          var p = 0.0, n = 0.0
          let lo = Int(starts[g]), hi = Int(starts[g + 1])
          if let weights {
            precondition(weights.count == order.count, "weights.count ≠ rows")
            for k in lo..<hi {
              let i = Int(order[k])
              if labels[i] { p += weights[i] } else { n += weights[i] }
            }
          } else {
            for k in lo..<hi {
              if labels[Int(order[k])] { p += 1 } else { n += 1 }
            }
          }
          numerator += p * (negativeBelow + 0.5 * n)
          negativeBelow += n
          positiveTotal += p
        }
      }
    }
    guard positiveTotal > 0, negativeBelow > 0 else { return nil }
    return numerator / (positiveTotal * negativeBelow)
  }

  /// `auc(labels:weights:)` over arrays.
  public func auc(labels: [Bool], weights: [Double]? = nil) -> Double? {
    labels.withUnsafeBufferPointer { l in
      guard let weights else { return auc(labels: l, weights: nil) }
      return weights.withUnsafeBufferPointer { auc(labels: l, weights: $0) }
    }
  }
}
