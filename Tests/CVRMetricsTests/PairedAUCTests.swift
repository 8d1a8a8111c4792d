// DeLong's variance against a hand-computed answer and the O(m·n) definition,
// against the paired bootstrap, and the coverage of both paired intervals on
// simulated scores of two models with a known AUC gap.
import CVRCore
import CVRMetrics
import Foundation
import Testing

/// Two models scoring the same rows: negatives N(0,1), positives N(Δ_A,1) for A
/// and N(Δ_B,1) for B, the two sharing a common N(0,1) term with weight ρ (so
/// the AUCs are correlated, as two models of the same data are). Each score is
/// (shift·y + √ρ·c + √(1−ρ)·e)/1 with unit variance given y, so the true AUC of a
/// model with shift Δ is Φ(Δ/√2) and the true gap is Φ(Δ_A/√2) − Φ(Δ_B/√2).
func pairedScores(_ n: Int, shiftA: Double, shiftB: Double, rho: Double, prevalence: Double,
                  rng: inout SeededGenerator) -> (a: [Double], b: [Double], labels: [Bool]) {
  var a: [Double] = [], b: [Double] = [], labels: [Bool] = []
  for _ in 0..<n {
    let y = Double(rng.next() >> 11) / 9007199254740992.0 < prevalence
    let common = Double(rng.nextNormal())
    let ea = Double(rng.nextNormal()), eb = Double(rng.nextNormal())
    a.append((y ? shiftA : 0) + rho.squareRoot() * common + (1 - rho).squareRoot() * ea)
    b.append((y ? shiftB : 0) + rho.squareRoot() * common + (1 - rho).squareRoot() * eb)
    labels.append(y)
  }
  return (a, b, labels)
}

func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

@Suite struct PairedAUCTests {
  @Test func deLongVarianceMatchesAHandComputedExample() throws {
    // Positives 0.9, 0.6, 0.4; negatives 0.7, 0.3, 0.2, 0.1.
    // V10 = 1, 3/4, 3/4 → AUC 5/6, S10 = 1/48; V01 = 1/3, 1, 1, 1 → S01 = 1/9.
    // Var = (1/48)/3 + (1/9)/4 = 1/144 + 4/144 = 5/144.
    let scores = [0.9, 0.7, 0.6, 0.3, 0.4, 0.2, 0.1]
    let labels = [true, false, true, false, true, false, false]
    let p = try #require(DeLong.placements(scores: scores, labels: labels))
    #expect(abs(p.auc - 5.0 / 6.0) < 1e-15)
    #expect(p.positive == [1, 0.75, 0.75])
    #expect(zip(p.negative, [1.0 / 3, 1, 1, 1]).allSatisfy { abs($0 - $1) < 1e-15 })
    #expect(abs(DeLong.variance(p) - 5.0 / 144.0) < 1e-15)
    // A model compared with itself: zero difference, zero variance, p = 1.
    let same = try #require(DeLong.difference(scoresA: scores, scoresB: scores, labels: labels))
    #expect(same.difference == 0 && same.standardError == 0 && same.pValue == 1)
    #expect(DeLong.placements(scores: [0.1, 0.2], labels: [true, true]) == nil)
  }

  @Test func placementsAgreeWithTheirDefinitionUnderTies() throws {
    var rng = SeededGenerator(seed: 17)
    // Scores rounded to one decimal: many ties, which count half.
    let n = 300
    let scores = (0..<n).map { _ in (Double(rng.nextNormal()) * 3).rounded() / 10 }
    let labels = (0..<n).map { _ in rng.next() % 3 == 0 }
    let p = try #require(DeLong.placements(scores: scores, labels: labels))
    let pos = zip(scores, labels).filter { $0.1 }.map(\.0), neg = zip(scores, labels).filter { !$0.1 }.map(\.0)
    func psi(_ x: Double, _ y: Double) -> Double { x > y ? 1 : x == y ? 0.5 : 0 }
    for (i, x) in pos.enumerated() {
      let v = neg.reduce(0) { $0 + psi(x, $1) } / Double(neg.count)
      #expect(abs(p.positive[i] - v) < 1e-12)
    }
    for (j, y) in neg.enumerated() {
      let v = pos.reduce(0) { $0 + psi($1, y) } / Double(pos.count)
      #expect(abs(p.negative[j] - v) < 1e-12)
    }
    #expect(abs(p.auc - AUC.compute(scores: scores, labels: labels)!) < 1e-12)
  }

  @Test func deLongStandardErrorAgreesWithThePairedBootstrap() throws {
    var rng = SeededGenerator(seed: 99)
    let (a, b, labels) = pairedScores(4000, shiftA: 1.2, shiftB: 1.0, rho: 0.6, prevalence: 0.15, rng: &rng)
    let delong = try #require(DeLong.difference(scoresA: a, scoresB: b, labels: labels))
    #expect(abs(delong.difference - (AUC.compute(scores: a, labels: labels)! - AUC.compute(scores: b, labels: labels)!)) < 1e-12)
    let boot = try #require(Bootstrap.aucDifference(scoresA: a, scoresB: b, labels: labels, resamples: 1000, seed: 3))
    #expect(abs(boot.estimate - delong.difference) < 1e-12)
    // A 95 % percentile interval spans about 2·1.96 standard errors.
    let bootSE = (boot.upper - boot.lower) / (2 * 1.959964)
    print("paired AUC difference \(delong.difference): DeLong SE \(delong.standardError), bootstrap SE \(bootSE)")
    #expect(abs(bootSE / delong.standardError - 1) < 0.15)
    // Same seed, same interval.
    #expect(Bootstrap.aucDifference(scoresA: a, scoresB: b, labels: labels, resamples: 1000, seed: 3) == boot)
  }

  @Test func pairedIntervalsCoverTheTrueGap() throws {
    let shiftA = 1.0, shiftB = 0.8
    let truth = normalCDF(shiftA / 2.0.squareRoot()) - normalCDF(shiftB / 2.0.squareRoot())  // ≈ 0.0593
    var rng = SeededGenerator(seed: 2026)
    let datasets = 100
    var deLongCovered = 0, bootCovered = 0, unpairedTooWide = 0
    for d in 0..<datasets {
      let (a, b, labels) = pairedScores(1500, shiftA: shiftA, shiftB: shiftB, rho: 0.7, prevalence: 0.2, rng: &rng)
      let delong = try #require(DeLong.difference(scoresA: a, scoresB: b, labels: labels))
      if delong.lower <= truth && truth <= delong.upper { deLongCovered += 1 }
      let boot = try #require(Bootstrap.aucDifference(scoresA: a, scoresB: b, labels: labels, resamples: 300, seed: UInt64(d)))
      if boot.lower <= truth && truth <= boot.upper { bootCovered += 1 }
      // Pairing matters: the unpaired variance (no covariance term) is larger.
      let pa = DeLong.placements(scores: a, labels: labels)!, pb = DeLong.placements(scores: b, labels: labels)!
      if (DeLong.variance(pa) + DeLong.variance(pb)).squareRoot() > delong.standardError { unpairedTooWide += 1 }
    }
    print("paired 95 % coverage over \(datasets) datasets: DeLong \(deLongCovered), bootstrap \(bootCovered)")
    // Binomial(100, 0.95) has sd 2.2: 88…100 is −3.2 sd and above. An interval
    // that ignored the pairing would still cover (too wide), which the last check catches.
    #expect(deLongCovered >= 88)
    #expect(bootCovered >= 88)
    #expect(unpairedTooWide == datasets)
  }
}
