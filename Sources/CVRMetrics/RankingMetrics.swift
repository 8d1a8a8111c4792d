// Per-user top-K ranking metrics on a test split (NDCG@K, Recall@K) and the
// squared error against binary labels, as the MNAR ratings literature reports
// them (Yahoo!R3, Coat: Wang et al. 2019; Guo et al. 2021; Li et al. 2023).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A per-user metric averaged over the users that have a positive.
public struct PerUserMetric: Sendable, Equatable {
  /// Mean over `usersEvaluated` users (nil when no user has a positive).
  public let mean: Double?
  /// Users with at least one positive in the split (the mean's denominator).
  public let usersEvaluated: Int
  /// Users with rows in the split but no positive: left out, never counted as 0.
  public let usersLeftOut: Int
  /// (user, value) for every evaluated user, in increasing user order.
  public let perUser: [(user: Int, value: Double)]

  public static func == (a: Self, b: Self) -> Bool {
    a.mean == b.mean && a.usersEvaluated == b.usersEvaluated && a.usersLeftOut == b.usersLeftOut
      && a.perUser.map(\.user) == b.perUser.map(\.user) && a.perUser.map(\.value) == b.perUser.map(\.value)
  }
}

/// NDCG@K and Recall@K over each user's test rows, binary relevance.
///
/// For user u with test rows ranked by score (descending), P_u positives and
/// relevance y ∈ {0, 1} (Järvelin & Kekäläinen 2002, DCG with log₂ discount):
///   DCG@K = Σ_{r=1..K} y_(r) / log₂(r + 1),  IDCG@K = Σ_{r=1..min(K, P_u)} 1 / log₂(r + 1),
///   NDCG@K = DCG@K / IDCG@K,   Recall@K = (positives in the top K) / P_u.
/// Recall divides by P_u as in the public evaluation code of the DR / MRDR /
/// StableDR family (`recall_func`: Σ hits / max(1, P_u)); one variant there
/// divides by min(K, P_u) instead. Differences from that code, on purpose:
/// a user with no positive is left out here (that code scores them NDCG = 1
/// and Recall = 0, which moves the mean by the share of such users), and ties
/// are averaged (that code takes `np.argsort` order).
///
/// Ties: rows with equal scores form one block, and each value is its
/// expectation over all orderings of the block (every position of a block of n
/// rows holding g positives has expected relevance g / n). So the result never
/// depends on the input order, and a constant score gives the random-ranking
/// expectation. Users with no positive in the split have an undefined metric and
/// are left out (`usersLeftOut`). Scores must not be NaN.
public enum RankingMetrics {
  /// The default cut-off of the literature's tables (NDCG@5, Recall@5).
  public static let defaultK = 5

  /// NDCG@K per user. `users`, `scores`, `labels` have one entry per test row;
  /// user values are any integers (dense indices in practice).
  public static func ndcg(users: [Int], scores: [Double], labels: [Bool], k: Int = defaultK) -> PerUserMetric {
    perUser(users: users, scores: scores, labels: labels, k: k) { gains, positives in
      var dcg = 0.0, ideal = 0.0
      for r in 0..<gains.count { dcg += gains[r] / log2(Double(r + 2)) }
      for r in 0..<min(k, positives) { ideal += 1 / log2(Double(r + 2)) }
      return dcg / ideal
    }
  }

  /// Recall@K per user: expected positives in the top K over the user's positives.
  public static func recall(users: [Int], scores: [Double], labels: [Bool], k: Int = defaultK) -> PerUserMetric {
    perUser(users: users, scores: scores, labels: labels, k: k) { gains, positives in
      gains.reduce(0, +) / Double(positives)
    }
  }

  /// Mean squared error (1/n) Σ (s_i − y_i)² of probabilities against 0/1 labels.
  /// Nil for an empty split.
  public static func mse(scores: [Double], labels: [Bool]) -> Double? {
    precondition(scores.count == labels.count, "scores.count \(scores.count) ≠ labels.count \(labels.count)")
    guard !scores.isEmpty else { return nil }
    var s = 0.0
    for i in 0..<scores.count {
      let e = scores[i] - (labels[i] ? 1 : 0)
      s += e * e
    }
    return s / Double(scores.count)
  }

  /// Groups rows by user, ranks each user's rows, and hands `value` the
  /// expected relevance of ranks 1 … min(K, n) (tie blocks averaged) and P_u.
  private static func perUser(users: [Int], scores: [Double], labels: [Bool], k: Int,
                              _ value: ([Double], Int) -> Double) -> PerUserMetric {
    precondition(users.count == scores.count && scores.count == labels.count,
                 "users, scores and labels differ in length: \(users.count), \(scores.count), \(labels.count)")
    precondition(k >= 1, "k must be at least 1, got \(k)")
    // Rows ordered by (user, score descending); ties keep any order (blocks are averaged).
    let order = (0..<users.count).sorted { a, b in
      users[a] != users[b] ? users[a] < users[b] : scores[a] > scores[b]
    }
    var results: [(user: Int, value: Double)] = []
    var leftOut = 0
    var gains: [Double] = []
    var start = 0
    while start < order.count {
      var stop = start
      while stop < order.count && users[order[stop]] == users[order[start]] { stop += 1 }
      let positives = (start..<stop).reduce(0) { $0 + (labels[order[$1]] ? 1 : 0) }
      if positives == 0 {
        leftOut += 1
      } else {
        gains.removeAll(keepingCapacity: true)
        var block = start
        while block < stop && block - start < k {
          var blockEnd = block
          while blockEnd < stop && scores[order[blockEnd]] == scores[order[block]] { blockEnd += 1 }
          let g = (block..<blockEnd).reduce(0) { $0 + (labels[order[$1]] ? 1 : 0) }
          let expected = Double(g) / Double(blockEnd - block)
          for _ in block..<min(blockEnd, start + k) { gains.append(expected) }
          block = blockEnd
        }
        results.append((users[order[start]], value(gains, positives)))
      }
      start = stop
    }
    let mean = results.isEmpty ? nil : results.reduce(0) { $0 + $1.value } / Double(results.count)
    return PerUserMetric(mean: mean, usersEvaluated: results.count, usersLeftOut: leftOut, perUser: results)
  }
}
