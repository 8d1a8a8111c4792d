// Group AUC: the per-user AUC averaged with impression weights over the users
// whose rows hold both classes; users with one class are dropped and counted.

/// The GAUC and how much of the data it speaks for.
public struct GAUCResult: Sendable, Equatable {
  /// Σ_u n_u·AUC_u / Σ_u n_u over kept users (n_u = the user's impressions, or
  /// their total weight); nil when no user has both classes.
  public let value: Double?
  /// Users with at least one positive and one negative.
  public let usersKept: Int
  /// Distinct users seen (with weight > 0 when weighted).
  public let usersTotal: Int
  /// Σ n_u over kept users / Σ n_u over all users, in [0, 1].
  public let impressionShare: Double
}

/// Group AUC (Zhou et al. 2018, Deep Interest Network).
public enum GAUC {
  /// GAUC = Σ_u n_u·AUC_u / Σ_u n_u over users u with both classes, where AUC_u
  /// is `AUC.compute` on the user's rows (ties count half) and n_u the user's
  /// impression count (or weight sum when `weights` is given, pairs inside a
  /// user weighted w_i·w_j). `scores`, `labels`, `users` (and `weights`) have one
  /// entry per row. O(n log n): one sort by (user, score).
  public static func compute(scores: [Double], labels: [Bool], users: [Int], weights: [Double]? = nil) -> GAUCResult {
    let order = UserScoreOrder(scores: scores, users: users)
    return labels.withUnsafeBufferPointer { l in
      guard let weights else { return order.gauc(labels: l, weights: nil) }
      precondition(weights.count == scores.count, "weights.count ≠ scores.count")
      return weights.withUnsafeBufferPointer { order.gauc(labels: l, weights: $0) }
    }
  }
}

/// Rows sorted by (user, score), so each user's rows form one contiguous run
/// in ascending score order; the bootstrap sorts once and reuses it.
public struct UserScoreOrder: Sendable {
  let rows: [Int32]
  let users: [Int]
  let scores: [Double]

  /// Sorts rows by (user, score); scores must not be NaN, n < 2^31.
  public init(scores: [Double], users: [Int]) {
    precondition(scores.count == users.count, "scores.count \(scores.count) ≠ users.count \(users.count)")
    precondition(scores.count < Int(Int32.max), "UserScoreOrder holds fewer than 2^31 rows")
    var rows = (0..<Int32(scores.count)).map { $0 }
    rows.sort { a, b in
      let ua = users[Int(a)], ub = users[Int(b)]
      if ua != ub { return ua < ub }
      return scores[Int(a)] < scores[Int(b)]
    }
    self.rows = rows
    self.users = users
    self.scores = scores
  }

  /// GAUC over this order with optional per-row weights (see `GAUC.compute`).
  public func gauc(labels: UnsafeBufferPointer<Bool>, weights: UnsafeBufferPointer<Double>?) -> GAUCResult {
    precondition(labels.count == rows.count, "labels.count ≠ rows")
    var weightedSum = 0.0, keptImpressions = 0.0, allImpressions = 0.0
    var kept = 0, total = 0
    var start = 0
    while start < rows.count {
      let user = users[Int(rows[start])]
      var end = start
      while end < rows.count && users[Int(rows[end])] == user { end += 1 }
      // One user's run: the Mann–Whitney pass of ScoreOrder.auc over its ties.
      var numerator = 0.0, negativeBelow = 0.0, positiveTotal = 0.0
      var k = start
      while k < end {
        let s = scores[Int(rows[k])]
        var p = 0.0, n = 0.0
        while k < end && scores[Int(rows[k])] == s {
          let i = Int(rows[k])
          let w = weights?[i] ?? 1
          if labels[i] { p += w } else { n += w }
          k += 1
        }
        numerator += p * (negativeBelow + 0.5 * n)
        negativeBelow += n
        positiveTotal += p
      }
      let impressions = positiveTotal + negativeBelow
      if impressions > 0 { total += 1 }
      allImpressions += impressions
      if positiveTotal > 0 && negativeBelow > 0 {
        kept += 1
        keptImpressions += impressions
        weightedSum += impressions * numerator / (positiveTotal * negativeBelow)
      }
      start = end
    }
    return GAUCResult(
      value: kept > 0 ? weightedSum / keptImpressions : nil, usersKept: kept, usersTotal: total,
      impressionShare: allImpressions > 0 ? keptImpressions / allImpressions : 0)
  }
}
