// AUC against a brute-force count over all pairs (with many ties, weighted and
// not), the undefined cases, the ROC points, RelaImpr, and the score file reader.
import CVRCore
import CVRMetrics
import Foundation
import Testing

/// Σ over positive/negative pairs of w_i·w_j·([s_i > s_j] + ½[s_i = s_j]) / (W₊·W₋), O(n²).
func bruteForceAUC(_ scores: [Double], _ labels: [Bool], _ weights: [Double]? = nil) -> Double? {
  var numerator = 0.0, positive = 0.0, negative = 0.0
  for i in 0..<scores.count {
    let wi = weights?[i] ?? 1
    if labels[i] { positive += wi } else { negative += wi }
    guard labels[i] else { continue }
    for j in 0..<scores.count where !labels[j] {
      let wj = weights?[j] ?? 1
      if scores[i] > scores[j] { numerator += wi * wj } else if scores[i] == scores[j] { numerator += 0.5 * wi * wj }
    }
  }
  return positive > 0 && negative > 0 ? numerator / (positive * negative) : nil
}

/// Scores from a handful of values (many ties), labels correlated with them.
func tiedData(_ n: Int, seed: UInt64, levels: Int = 5) -> (scores: [Double], labels: [Bool]) {
  var rng = SeededGenerator(seed: seed)
  var scores: [Double] = [], labels: [Bool] = []
  for _ in 0..<n {
    let level = Int(rng.next() % UInt64(levels))
    scores.append(Double(level) / Double(levels))
    labels.append(rng.nextUnitFloat() < 0.2 + 0.5 * Float(level) / Float(levels))
  }
  return (scores, labels)
}

@Suite struct AUCTests {
  @Test(arguments: [1, 3, 17, 200, 1001])
  func matchesBruteForceWithTies(n: Int) throws {
    for levels in [1, 2, 5] {
      let (scores, labels) = tiedData(n, seed: UInt64(n * 10 + levels), levels: levels)
      let expected = bruteForceAUC(scores, labels)
      let got = AUC.compute(scores: scores, labels: labels)
      #expect((expected == nil) == (got == nil), "n \(n) levels \(levels)")
      if let expected, let got { #expect(abs(got - expected) <= 1e-12, "n \(n) levels \(levels): \(got) vs \(expected)") }
    }
  }

  @Test(arguments: [3, 17, 300])
  func weightedMatchesBruteForce(n: Int) throws {
    let (scores, labels) = tiedData(n, seed: UInt64(n), levels: 4)
    var rng = SeededGenerator(seed: 99)
    let weights = (0..<n).map { _ in Double(rng.nextFloat(in: 0, 3)) }
    let expected = try #require(bruteForceAUC(scores, labels, weights))
    let got = try #require(AUC.compute(scores: scores, labels: labels, weights: weights))
    #expect(abs(got - expected) <= 1e-12)
    // Integer weights equal repeating rows.
    let counts = (0..<n).map { Double($0 % 3) }
    var repeatedScores: [Double] = [], repeatedLabels: [Bool] = []
    for i in 0..<n {
      for _ in 0..<Int(counts[i]) { repeatedScores.append(scores[i]); repeatedLabels.append(labels[i]) }
    }
    #expect(AUC.compute(scores: scores, labels: labels, weights: counts)
      == AUC.compute(scores: repeatedScores, labels: repeatedLabels))
  }

  @Test func knownAnswers() {
    let labels = [false, true, false, true, true, false]
    #expect(AUC.compute(scores: [Double](repeating: 0.3, count: 6), labels: labels) == 0.5)
    #expect(AUC.compute(scores: [0.1, 0.9, 0.2, 0.8, 0.7, 0.3], labels: labels) == 1)
    #expect(AUC.compute(scores: [0.9, 0.1, 0.8, 0.2, 0.3, 0.7], labels: labels) == 0)
    #expect(AUC.compute(scores: [0.1, 0.2, 0.3], labels: [true, true, true]) == nil)
    #expect(AUC.compute(scores: [0.1, 0.2, 0.3], labels: [false, false, false]) == nil)
    #expect(AUC.compute(scores: [Double](), labels: [Bool]()) == nil)
    // One tie between the positive 0.5 and a negative 0.5: (1 + 0.5 + 1 + 1) / 4.
    #expect(AUC.compute(scores: [0.5, 0.5, 0.2, 0.9], labels: [true, false, false, true]) == 3.5 / 4)
    // Zero weight removes a row: only the positive at 0.9 and negative at 0.2 remain.
    #expect(AUC.compute(scores: [0.5, 0.5, 0.2, 0.9], labels: [true, false, false, true], weights: [0, 0, 1, 1]) == 1)
    #expect(AUC.compute(scores: [Float(0.2), 0.6], labels: [Float(0), 1]) == 1)
  }

  @Test func rocPointsIntegrateToAUC() throws {
    let (scores, labels) = tiedData(500, seed: 7, levels: 6)
    let (fpr, tpr) = ROCCurve.points(scores: scores, labels: labels)
    #expect(fpr.first == 0 && tpr.first == 0 && fpr.last == 1 && tpr.last == 1)
    #expect(fpr.count == 7)  // (0, 0) and one point per distinct score
    var area = 0.0
    for k in 1..<fpr.count {
      #expect(fpr[k] >= fpr[k - 1] && tpr[k] >= tpr[k - 1])
      area += (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2
    }
    #expect(abs(area - (try #require(AUC.compute(scores: scores, labels: labels)))) <= 1e-12)
    #expect(ROCCurve.points(scores: [0.1, 0.4, 0.4, 0.8], labels: [false, true, false, true]) ==
      ([0, 0, 0.5, 1], [0, 0.5, 1, 1]))
    #expect(ROCCurve.points(scores: [0.1], labels: [true]).fpr.isEmpty)
  }

  @Test func relaImpr() throws {
    // Model 0.75 over base 0.70: (0.25 / 0.20 − 1)·100 = 25 %.
    #expect(abs(try #require(RelaImpr.percent(model: 0.75, base: 0.70)) - 25) < 1e-12)
    #expect(RelaImpr.percent(model: 0.70, base: 0.70) == 0)
    #expect(RelaImpr.percent(model: 0.6, base: 0.5) == nil)
  }
}
