// Golden values on FixedArrays from an independent implementation:
// Scripts/golden-estimators.py, run with the Open Bandit Pipeline (obp 0.4.1, its
// InverseProbabilityWeighting, SelfNormalizedInverseProbabilityWeighting and
// DoublyRobust) and with plain Python written from the papers. Its output, pasted:
//   plain ips 5.2625
//   plain snips 1.4085501858736058
//   plain dr 1.843055555555556
//   plain naive 0.7928571428571428
//   plain dr-jl 0.6977083333333334
//   plain mrdr 12.484765946502053
//   plain stabledr-shift 0.353903345724907
//   plain stabledr 0.8747366790582403
//   obp-0.4.1 ips 5.2625
//   obp-0.4.1 snips 1.408550185873606
//   obp-0.4.1 dr 1.843055555555556
import CVREstimators
import Testing

@Suite struct GoldenEstimatorTests {
  let input = FixedArrays.input()

  @Test func ipsSnipsAndDRMatchTheOpenBanditPipeline() throws {
    #expect(close(try Estimator.ips.value(input), 5.2625))
    #expect(close(try Estimator.snips.value(input), 1.408550185873606))
    #expect(close(try Estimator.dr.value(input), 1.843055555555556))
  }

  @Test func naiveImputationLossesAndStableDRMatchThePlainReference() throws {
    #expect(close(try Estimator.naive.value(input), 0.7928571428571428))
    #expect(close(try ImputationLoss.drJL.value(input), 0.6977083333333334))
    #expect(close(try ImputationLoss.mrdr.value(input), 12.484765946502053))
    #expect(close(try Stabilisation.shift(input), 0.353903345724907))
    #expect(close(try Estimator.stableDR.value(input), 0.8747366790582403))
  }
}
