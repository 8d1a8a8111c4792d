// GAUC by hand (users with one class dropped and counted) and log loss by hand,
// from probabilities (with the clip) and from logits.
import CVRMetrics
import Foundation
import Testing

@Suite struct GAUCTests {
  @Test func byHand() throws {
    // User 1 (3 rows): positive 0.9 above negatives 0.2, 0.5 → AUC 1.
    // User 2 (4 rows): positives 0.3, 0.6; negatives 0.6, 0.8 → pairs
    //   (0.3,0.6)=0 (0.3,0.8)=0 (0.6,0.6)=½ (0.6,0.8)=0 → AUC 1/8.
    // User 3 (2 rows): both negative → dropped. User 4 (1 row): positive → dropped.
    let users = [1, 1, 1, 2, 2, 2, 2, 3, 3, 4]
    let scores = [0.9, 0.2, 0.5, 0.3, 0.6, 0.6, 0.8, 0.1, 0.4, 0.7]
    let labels = [true, false, false, true, true, false, false, false, false, true]
    let g = GAUC.compute(scores: scores, labels: labels, users: users)
    let expected = (3 * 1.0 + 4 * 0.125) / 7
    #expect(abs(try #require(g.value) - expected) < 1e-15)
    #expect(g.usersKept == 2 && g.usersTotal == 4)
    #expect(abs(g.impressionShare - 0.7) < 1e-15)
    // Row order does not matter.
    let shuffled = [9, 3, 0, 7, 5, 1, 8, 2, 6, 4]
    let g2 = GAUC.compute(
      scores: shuffled.map { scores[$0] }, labels: shuffled.map { labels[$0] }, users: shuffled.map { users[$0] })
    #expect(g2 == g)
  }

  @Test func noUserWithBothClasses() {
    let g = GAUC.compute(scores: [0.1, 0.2], labels: [true, false], users: [1, 2])
    #expect(g.value == nil && g.usersKept == 0 && g.usersTotal == 2 && g.impressionShare == 0)
  }

  @Test func matchesPerUserAUC() throws {
    let (scores, labels) = tiedData(900, seed: 4, levels: 4)
    let users = (0..<900).map { ($0 * 7919) % 23 }
    let g = GAUC.compute(scores: scores, labels: labels, users: users)
    var sum = 0.0, weight = 0.0
    for u in Set(users) {
      let rows = users.indices.filter { users[$0] == u }
      if let a = bruteForceAUC(rows.map { scores[$0] }, rows.map { labels[$0] }) {
        sum += Double(rows.count) * a
        weight += Double(rows.count)
      }
    }
    #expect(abs(try #require(g.value) - sum / weight) < 1e-12)
  }

  @Test func logLossByHand() throws {
    // −(log 0.8 + log(1 − 0.4) + log 0.5) / 3
    let expected = -(log(0.8) + log(0.6) + log(0.5)) / 3
    let got = try #require(LogLoss.fromProbabilities([0.8, 0.4, 0.5], labels: [true, false, true]))
    #expect(abs(got - expected) < 1e-15)
    // Clipped: p = 0 for a positive costs −log(1e-15) (finite), p = 1 for a
    // negative costs −log(1 − (1 − 1e-15)) (the clip rounded in Double).
    let clipped = try #require(LogLoss.fromProbabilities([0, 1], labels: [true, false]))
    #expect(abs(clipped - -(log(1e-15) + log(1 - (1 - 1e-15))) / 2) < 1e-12)
    #expect(LogLoss.clip == 1e-15)
    #expect(LogLoss.fromProbabilities([], labels: []) == nil)
    // Weighted: weight 3 on the first row.
    let weighted = try #require(LogLoss.fromProbabilities([0.8, 0.4], labels: [true, false], weights: [3, 1]))
    #expect(abs(weighted - -(3 * log(0.8) + log(0.6)) / 4) < 1e-15)
  }

  @Test func logLossFromLogitsMatchesProbabilities() throws {
    let logits = [-3.0, -0.5, 0, 0.7, 4.0]
    let labels = [false, true, true, false, true]
    let probabilities = logits.map { 1 / (1 + exp(-$0)) }
    let a = try #require(LogLoss.fromLogits(logits, labels: labels))
    let b = try #require(LogLoss.fromProbabilities(probabilities, labels: labels))
    #expect(abs(a - b) < 1e-13)
    // Beyond the clip: z = 50 for a negative costs ≈ 50, not −log(1e-15).
    #expect(abs(try #require(LogLoss.fromLogits([50], labels: [false])) - 50) < 1e-12)
  }
}
