// Naive-Bayes propensities: a known answer worked by hand, the consistency
// Σ_r p̂(r) P(r) = P(o = 1), and empty samples refused.
import CVREstimators
import Testing

@Suite struct NaiveBayesPropensityTests {
  /// Observed [1, 1, 5, 5, 5, 5] of 60 cells: P(o) = 0.1, P(1|o) = 1/3, P(5|o) = 2/3.
  /// MCAR [1, 1, 1, 5] with +1 per level: P(1) = 4/6, P(5) = 2/6.
  /// p̂(1) = (1/3)(0.1)/(2/3) = 0.05, p̂(5) = (2/3)(0.1)/(1/3) = 0.2.
  @Test func knownAnswer() throws {
    let p = try NaiveBayesPropensity.byLevel(observed: [1, 1, 5, 5, 5, 5], mcar: [1, 1, 1, 5], cells: 60)
    #expect(p.count == 2)
    #expect(abs(p[1]! - 0.05) < 1e-12 && abs(p[5]! - 0.2) < 1e-12, "\(p)")
  }

  @Test func weightedByTheMCARSharesItIsTheObservationRate() throws {
    let observed: [Float] = [1, 2, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5]
    let mcar: [Float] = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 1, 2, 3]
    let p = try NaiveBayesPropensity.byLevel(observed: observed, mcar: mcar, cells: 200)
    let levels = Set(observed + mcar)
    let total = Double(mcar.count + levels.count)
    let implied = levels.reduce(0.0) { s, r in s + p[r]! * (Double(mcar.filter { $0 == r }.count) + 1) / total }
    #expect(abs(implied - 12.0 / 200) < 1e-12, "\(implied)")
  }

  @Test func emptySamplesAreRefused() {
    #expect(throws: EstimatorError.self) { try NaiveBayesPropensity.byLevel(observed: [], mcar: [1], cells: 10) }
    #expect(throws: EstimatorError.self) { try NaiveBayesPropensity.byLevel(observed: [1], mcar: [], cells: 10) }
    #expect(throws: EstimatorError.self) { try NaiveBayesPropensity.byLevel(observed: [1, 2], mcar: [1], cells: 1) }
  }
}
