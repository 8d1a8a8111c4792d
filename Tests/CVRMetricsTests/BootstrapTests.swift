// Bootstrap: coverage of the percentile interval on data with a known AUC, the
// reweighting and gathering paths agreeing draw for draw, seeding, and a
// 1e5-row × 200-resample run.
import CVRCore
import CVRMetrics
import Foundation
import Testing

/// n scores from N(0,1) (negatives) and N(Δ,1) (positives), labels Bernoulli(½).
/// The true AUC is P(X₊ > X₋) = Φ(Δ/√2).
func binormalData(_ n: Int, shift: Double, rng: inout SeededGenerator) -> (scores: [Double], labels: [Bool]) {
  var scores: [Double] = [], labels: [Bool] = []
  for _ in 0..<n {
    let positive = rng.next() & 1 == 1
    scores.append(Double(rng.nextNormal()) + (positive ? shift : 0))
    labels.append(positive)
  }
  return (scores, labels)
}

@Suite struct BootstrapTests {
  @Test func percentileIntervalCoversTheTrueAUC() throws {
    let shift = 1.0
    let truth = 0.5 * erfc(-shift / 2.0.squareRoot() / 2.0.squareRoot())  // Φ(Δ/√2) ≈ 0.7602
    var rng = SeededGenerator(seed: 2024)
    let datasets = 100
    var covered = 0
    for d in 0..<datasets {
      let (scores, labels) = binormalData(300, shift: shift, rng: &rng)
      let interval = try #require(
        Bootstrap.auc(scores: scores, labels: labels, resamples: 200, alpha: 0.1, seed: UInt64(d)))
      #expect(interval.lower <= interval.estimate && interval.estimate <= interval.upper)
      if interval.lower <= truth && truth <= interval.upper { covered += 1 }
    }
    // 100 datasets: if the true coverage is 0.90, the count is Binomial(100, 0.9)
    // with sd 3, so 80...97 spans −3.3 sd to +2.3 sd. The percentile bootstrap
    // of an AUC undercovers slightly at n = 300, which the wider lower side allows;
    // a broken interval (a point, or ±2× too wide) lands far outside.
    let rate = Double(covered) / Double(datasets)
    print("bootstrap 90 % interval coverage over \(datasets) datasets: \(rate)")
    #expect(rate >= 0.80 && rate <= 0.97, "coverage \(rate)")
  }

  @Test func gatheringAndReweightingAgree() throws {
    var rng = SeededGenerator(seed: 5)
    let (unsortedScores, unsortedLabels) = binormalData(257, shift: 0.5, rng: &rng)
    // Bootstrap.auc draws positions in ascending score order, so on sorted
    // input its draws are the gathering path's draws, resample for resample.
    let order = ScoreOrder(scores: unsortedScores).rows.map(Int.init)
    let scores = order.map { unsortedScores[$0] }, labels = order.map { unsortedLabels[$0] }
    let fast = try #require(Bootstrap.auc(scores: scores, labels: labels, resamples: 50, seed: 11))
    let gathered = try #require(
      Bootstrap.interval(scores: scores, labels: labels, resamples: 50, seed: 11) { s, l, _ in
        AUC.compute(scores: s, labels: l)
      })
    #expect(fast == gathered)
    #expect(fast.resamples == 50 && fast.undefinedResamples == 0 && abs(fast.level - 0.95) < 1e-15)
    #expect(fast.estimate == AUC.compute(scores: scores, labels: labels))
    // Same seed, same interval; another seed, another one.
    #expect(Bootstrap.auc(scores: scores, labels: labels, resamples: 50, seed: 11) == fast)
    #expect(Bootstrap.auc(scores: scores, labels: labels, resamples: 50, seed: 12) != fast)
    // Row order does not change the interval of the fast path.
    #expect(Bootstrap.auc(scores: unsortedScores, labels: unsortedLabels, resamples: 50, seed: 11) == fast)
  }

  @Test func gaucAndUndefinedResamples() throws {
    var rng = SeededGenerator(seed: 6)
    let (scores, labels) = binormalData(400, shift: 0.8, rng: &rng)
    let users = (0..<400).map { $0 % 9 }
    let fast = try #require(Bootstrap.gauc(scores: scores, labels: labels, users: users, resamples: 40, seed: 3))
    let gathered = try #require(
      Bootstrap.interval(scores: scores, labels: labels, users: users, resamples: 40, seed: 3) { s, l, u in
        GAUC.compute(scores: s, labels: l, users: u!).value
      })
    #expect(abs(fast.lower - gathered.lower) < 1e-12 && abs(fast.upper - gathered.upper) < 1e-12)
    // One positive among 20 rows: about (19/20)^20 ≈ 36 % of resamples draw none.
    let rare = (0..<20).map { $0 == 0 }
    let interval = try #require(
      Bootstrap.auc(scores: (0..<20).map(Double.init), labels: rare, resamples: 400, seed: 1))
    #expect(interval.undefinedResamples > 100 && interval.undefinedResamples < 190)
    #expect(Bootstrap.auc(scores: [0.1, 0.2], labels: [true, true], seed: 1) == nil)
  }

  @Test func hundredThousandRowsTwoHundredResamples() throws {
    var rng = SeededGenerator(seed: 8)
    let (scores, labels) = binormalData(100_000, shift: 1, rng: &rng)
    let start = Date()
    let interval = try #require(Bootstrap.auc(scores: scores, labels: labels, resamples: 200, seed: 1))
    let seconds = Date().timeIntervalSince(start)
    // sd of the AUC at n = 1e5 is about 0.0015: the 95 % interval is ~0.006 wide.
    #expect(interval.upper - interval.lower > 0.002 && interval.upper - interval.lower < 0.012)
    print("bootstrap 1e5 rows × 200 resamples: \(seconds) s")
  }
}
