// The paired difference over seeds and its t interval, against values worked by hand.
import CVRReports
import Testing

@Suite struct PairedDifferenceTests {
  @Test func handWorkedInterval() throws {
    // d = 0.01, 0.02, 0.03: mean 0.02, s = 0.01, half-width t₀.₉₇₅,₂ · 0.01 / √3 = 4.303 · 0.0057735 = 0.0248434.
    let d = try #require(PairedDifference([0.70, 0.72, 0.74], minus: [0.69, 0.70, 0.71]))
    #expect(abs(d.mean - 0.02) < 1e-12)
    #expect(abs(d.std - 0.01) < 1e-12)
    #expect(abs(d.lower! - (0.02 - 0.0248434)) < 1e-6)
    #expect(abs(d.upper! - (0.02 + 0.0248434)) < 1e-6)
    #expect(!d.isPositive && !d.isNegative)
    let clear = try #require(PairedDifference([0.80, 0.81, 0.82], minus: [0.70, 0.71, 0.72]))
    #expect(clear.isPositive && clear.std < 1e-12)
  }

  @Test func oneSeedHasNoIntervalAndMismatchedListsNone() throws {
    let one = try #require(PairedDifference([0.7], minus: [0.6]))
    #expect(one.lower == nil && one.upper == nil && abs(one.mean - 0.1) < 1e-12)
    #expect(PairedDifference([0.7, 0.8], minus: [0.6]) == nil)
    #expect(PairedDifference([], minus: []) == nil)
    #expect(PairedDifference.t975(degreesOfFreedom: 1) == 12.706 && PairedDifference.t975(degreesOfFreedom: 200) == 1.960)
  }
}
