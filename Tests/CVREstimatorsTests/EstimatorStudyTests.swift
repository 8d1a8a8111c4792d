// The estimator report's figures against theory on a small run of the study world
// (p ∈ [0.01, 0.3]): at floor 0.01 (never binding) IPS and DR are unbiased within
// their 99 % intervals and naive has its predicted bias; IPS varies more than SNIPS
// and StableDR; IPS's clipping bias grows with the floor and matches its integral.
import CVREstimators
import Testing

@Suite struct EstimatorStudyTests {
  /// 400 draws × 2 000 rows, seed 7: the default floors, imputations and estimators.
  static let cells: [EstimatorStudy.Cell] = {
    var study = EstimatorStudy()
    study.draws = 400
    study.rows = 2000
    study.seed = 7
    return try! study.run()
  }()

  static func cell(_ floor: Double, _ estimator: String, _ imputation: String? = nil) -> EstimatorStudy.Cell {
    cells.first { $0.floor == floor && $0.estimator == estimator && $0.imputation == imputation }!
  }

  /// IPS's expected bias at floor f with the true p: ∫₀¹ m(x) (p(x)/max(p(x), f) − 1) dx,
  /// by the midpoint rule on 100 000 steps (an independent computation of the study's target).
  static func ipsClippingBias(floor f: Double, world: SimulatedWorld = .study) -> Double {
    let steps = 100_000
    var total = 0.0
    for k in 0..<steps {
      let x = (Double(k) + 0.5) / Double(steps)
      let p = world.pLow + (world.pHigh - world.pLow) * x
      total += SimulatedWorld.meanError(x) * (p / max(p, f) - 1)
    }
    return total / Double(steps)
  }

  @Test func layoutIsOneCellPerFloorEstimatorAndImputation() {
    // naive, ips, snips once per floor; dr, stabledr, pvdr(0.5) once per imputation: 3 + 3·3 = 12 per floor.
    #expect(Self.cells.count == 3 * 12)
    for c in Self.cells { #expect(abs(c.rmse * c.rmse - (c.bias * c.bias + c.variance * 399 / 400)) < 1e-12) }
  }

  @Test func ipsAndDRUnbiasedWhereTheFloorDoesNotBind() {
    for c in [Self.cell(0.01, "ips"), Self.cell(0.01, "dr", "exact"), Self.cell(0.01, "dr", "rough")] {
      #expect(abs(c.bias) <= c.biasHalfWidth99, "\(c.estimator) \(c.imputation ?? ""): bias \(c.bias) ± \(c.biasHalfWidth99)")
    }
    #expect(abs(Self.ipsClippingBias(floor: 0.01)) < 1e-12)
  }

  /// Naive's bias E[p m]/E[p] − E[m] = 0.092/0.155 − 0.5 = 0.0935 (p = 0.01 + 0.29x, m = 0.2 + 0.6x),
  /// the same at every floor (it reads no propensity).
  @Test func naiveHasItsPredictedBias() {
    let theory = 0.092 / 0.155 - 0.5
    for floor in EstimatorStudy.standardFloors {
      let c = Self.cell(floor, "naive")
      #expect(abs(c.bias - theory) <= c.biasHalfWidth99, "naive at \(floor): \(c.bias) ± \(c.biasHalfWidth99) vs \(theory)")
      #expect(c.bias > 20 * c.biasHalfWidth99)
    }
  }

  @Test func ipsVariesMoreThanSNIPSAndStableDR() {
    let ips = Self.cell(0.01, "ips").variance
    #expect(Self.cell(0.01, "snips").variance < 0.6 * ips)
    for quality in ["exact", "rough"] { #expect(Self.cell(0.01, "stabledr", quality).variance < 0.6 * ips, "\(quality)") }
  }

  /// Theory (the integral above): 0 at 0.01, −0.0126 at 0.05, −0.0366 at 0.1; the study
  /// must find each within its 99 % interval, and the biases must fall with the floor.
  @Test func ipsClippingBiasGrowsWithTheFloor() {
    let biases = EstimatorStudy.standardFloors.map { Self.cell($0, "ips").bias }
    #expect(biases[0] > biases[1] && biases[1] > biases[2], "\(biases)")
    for floor in EstimatorStudy.standardFloors {
      let c = Self.cell(floor, "ips"), theory = Self.ipsClippingBias(floor: floor)
      #expect(abs(c.bias - theory) <= c.biasHalfWidth99, "ips at \(floor): \(c.bias) ± \(c.biasHalfWidth99) vs \(theory)")
    }
    #expect(Self.ipsClippingBias(floor: 0.1) < Self.ipsClippingBias(floor: 0.05))
  }

  @Test func refusesTooFewDraws() {
    var study = EstimatorStudy()
    study.draws = 1
    #expect(throws: EstimatorError.self) { try study.run() }
  }
}
