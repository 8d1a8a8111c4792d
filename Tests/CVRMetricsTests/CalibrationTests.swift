// PCOC and calibration bins (equal width and equal count) by hand.
import CVRMetrics
import Testing

@Suite struct CalibrationTests {
  @Test func pcocByHand() {
    // Σp = 0.2 + 0.4 + 0.9 + 0.5 = 2.0, Σy = 1 → 2.
    #expect(PCOC.compute(probabilities: [0.2, 0.4, 0.9, 0.5], labels: [false, false, true, false]) == 2)
    #expect(PCOC.compute(probabilities: [0.25, 0.75], labels: [true, true]) == 0.5)
    #expect(PCOC.compute(probabilities: [0.2, 0.4], labels: [false, false]) == nil)
    #expect(PCOC.compute(probabilities: [0.5, 0.5], labels: [true, false], weights: [1, 3]) == 2)
  }

  @Test func equalWidthByHand() {
    let p = [0.05, 0.15, 0.12, 0.95, 1.0, 0.5]
    let y = [false, true, false, true, true, false]
    let bins = CalibrationBins.equalWidth(probabilities: p, labels: y, count: 4).bins
    #expect(bins.count == 4)
    #expect(bins.map(\.count) == [3, 0, 1, 2])
    #expect(bins[0].lower == 0 && bins[0].upper == 0.25 && bins[3].upper == 1)
    #expect(abs(bins[0].meanPrediction! - (0.05 + 0.15 + 0.12) / 3) < 1e-15)
    #expect(bins[0].observedRate == 1.0 / 3)
    #expect(bins[1].meanPrediction == nil && bins[1].observedRate == nil)
    #expect(bins[2].meanPrediction == 0.5 && bins[2].observedRate == 0)
    #expect(abs(bins[3].meanPrediction! - 0.975) < 1e-15 && bins[3].observedRate == 1)  // p = 1 lands in the last bin
  }

  @Test func equalCountByHand() throws {
    let p = [0.9, 0.1, 0.4, 0.3, 0.8, 0.2, 0.7]
    let y = [true, false, false, true, true, false, true]
    let calibration = CalibrationBins.equalCount(probabilities: p, labels: y, count: 3)
    // Sorted: 0.1 0.2 0.3 | 0.4 0.7 | 0.8 0.9 (sizes 3, 2, 2).
    let bins = calibration.bins
    #expect(bins.map(\.count) == [3, 2, 2])
    #expect(bins[0].lower == 0.1 && bins[0].upper == 0.3 && bins[2].lower == 0.8 && bins[2].upper == 0.9)
    #expect(abs(bins[0].meanPrediction! - 0.2) < 1e-15 && bins[0].observedRate == 1.0 / 3)
    #expect(abs(bins[1].meanPrediction! - 0.55) < 1e-15 && bins[1].observedRate == 0.5)
    #expect(abs(bins[2].meanPrediction! - 0.85) < 1e-15 && bins[2].observedRate == 1)
    // ECE = (3·|0.2 − 1/3| + 2·|0.55 − 0.5| + 2·|0.85 − 1|) / 7
    let ece = (3 * (1.0 / 3 - 0.2) + 2 * 0.05 + 2 * 0.15) / 7
    #expect(abs(try #require(calibration.expectedCalibrationError) - ece) < 1e-15)
    #expect(CalibrationBins.equalCount(probabilities: [0.5], labels: [true], count: 4).bins.count == 1)
  }
}
