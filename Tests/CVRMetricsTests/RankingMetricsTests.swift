// NDCG@K, Recall@K and MSE on small hand-computed cases: a plain ranking, a
// user without positives (left out and counted), ties inside and across the cut-off.
import CVRMetrics
import Foundation
import Testing

@Suite struct RankingMetricsTests {
  /// 1 / log₂(3): the discount of rank 2.
  let d2 = 1 / log2(3.0)

  // user 0: ranks F T F T; user 1: no positive; user 2: four tied rows, one positive;
  // user 3: a single positive row.
  let users = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 3]
  let scores = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.5, 0.5, 0.5, 0.5, 0.1]
  let labels = [false, true, false, true, false, false, true, false, false, false, true]

  @Test func ndcgAtTwoByHand() {
    let m = RankingMetrics.ndcg(users: users, scores: scores, labels: labels, k: 2)
    #expect(m.usersEvaluated == 3)
    #expect(m.usersLeftOut == 1)
    #expect(m.perUser.map(\.user) == [0, 2, 3])
    // user 0: DCG = d2, IDCG = 1 + d2. user 2: expected gain ¼ at ranks 1 and 2. user 3: 1.
    let expected = [d2 / (1 + d2), 0.25 + 0.25 * d2, 1]
    for (got, want) in zip(m.perUser.map(\.value), expected) { #expect(abs(got - want) < 1e-12) }
    #expect(abs(m.mean! - expected.reduce(0, +) / 3) < 1e-12)
  }

  @Test func recallAtTwoByHand() {
    let m = RankingMetrics.recall(users: users, scores: scores, labels: labels, k: 2)
    #expect(m.usersLeftOut == 1)
    #expect(m.perUser.map(\.value) == [0.5, 0.5, 1])
    #expect(abs(m.mean! - 2.0 / 3) < 1e-12)
  }

  @Test func tieBlockAcrossTheCutOffIsAveraged() {
    // Ranks: F, then three tied rows holding one positive; K = 2 sees one of the three.
    let u = [7, 7, 7, 7], s = [0.9, 0.5, 0.5, 0.5], y = [false, false, true, false]
    let n = RankingMetrics.ndcg(users: u, scores: s, labels: y, k: 2)
    #expect(abs(n.mean! - (1.0 / 3) * d2) < 1e-12)
    let r = RankingMetrics.recall(users: u, scores: s, labels: y, k: 2)
    #expect(abs(r.mean! - 1.0 / 3) < 1e-12)
    // The input order of tied rows does not matter.
    let again = RankingMetrics.ndcg(users: u, scores: s, labels: [false, true, false, false], k: 2)
    #expect(again.mean == n.mean)
  }

  @Test func defaultKIsFiveAndPerfectRankingIsOne() {
    #expect(RankingMetrics.defaultK == 5)
    let u = Array(repeating: 1, count: 8)
    let s = (0..<8).map { Double(8 - $0) }
    let y = [true, true, true, false, false, false, true, false]
    // Ranks 1–3 positive, rank 7 positive (beyond K = 5): IDCG@5 counts min(5, 4) = 4 positives.
    let n = RankingMetrics.ndcg(users: u, scores: s, labels: y)
    let ideal = 1 + d2 + 0.5 + 1 / log2(5.0)
    #expect(abs(n.mean! - (1 + d2 + 0.5) / ideal) < 1e-12)
    #expect(RankingMetrics.recall(users: u, scores: s, labels: y).mean == 0.75)
  }

  @Test func noPositiveAnywhereIsUndefined() {
    let m = RankingMetrics.ndcg(users: [1, 2], scores: [0.1, 0.2], labels: [false, false])
    #expect(m.mean == nil)
    #expect(m.usersLeftOut == 2)
  }

  @Test func mseAgainstBinaryLabels() {
    #expect(abs(RankingMetrics.mse(scores: [0.2, 0.9], labels: [false, true])! - 0.025) < 1e-15)
    #expect(RankingMetrics.mse(scores: [], labels: []) == nil)
  }
}
