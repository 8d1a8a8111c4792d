// The PVDR family's limits on FixedArrays, to floating-point agreement: λ = 0 is
// IPS, λ = 1 is DR, λ = 1 with the steady-state condition fitted is StableDR; an
// intercept-only imputation makes StableDR SNIPS; the fitted shift zeroes the residual.
import CVREstimators
import Testing

@Suite struct PVDRLimitTests {
  let input = FixedArrays.input()

  @Test func lambdaZeroIsIPSAndLambdaOneIsDR() throws {
    #expect(close(try Estimator.pvdr(.constant(0)).value(input), try Estimator.ips.value(input)))
    #expect(close(try Estimator.pvdr(.constant(1)).value(input), try Estimator.dr.value(input)))
    // λ as a function of p̂ that is 0 or 1 everywhere gives the same limits.
    #expect(close(try Estimator.pvdr(.ofPropensity { _ in 0 }).value(input), try Estimator.ips.value(input)))
    #expect(close(try Estimator.pvdr(.ofPropensity { _ in 1 }).value(input), try Estimator.dr.value(input)))
  }

  @Test func lambdaOneWithTheConstraintIsStableDR() throws {
    let stable = try Stabilisation.stabilised(input)
    #expect(abs(try Stabilisation.residual(stable)) < 1e-14)
    // PVDR(λ = 1) = DR on the stabilised imputation equals StableDR: the correction vanishes.
    #expect(close(try Estimator.pvdr(.constant(1)).value(stable), try Estimator.stableDR.value(input)))
    #expect(close(try Estimator.steadyStatePVDR(.constant(1)).value(input), try Estimator.stableDR.value(input)))
    // And StableDR is the plain mean of the stabilised imputation.
    let mean = stable.imputed!.reduce(0, +) / Double(stable.count)
    #expect(close(try Estimator.stableDR.value(input), mean))
  }

  @Test func interceptOnlyStableDRIsSNIPS() throws {
    let zero = FixedArrays.input(imputed: [Double](repeating: 0, count: 12))
    #expect(close(try Estimator.stableDR.value(zero), try Estimator.snips.value(zero)))
    // Any constant imputation: the intercept absorbs it.
    let constant = FixedArrays.input(imputed: [Double](repeating: 0.7, count: 12))
    #expect(close(try Estimator.stableDR.value(constant), try Estimator.snips.value(constant)))
  }

  @Test func steadyStateWithAVaryingLambda() throws {
    let lambda = PVDRLambda.ofPropensity { p in p < 0.2 ? 1 : 0.5 }
    let delta = try Stabilisation.shift(input, lambda: lambda)
    let shifted = try input.with(imputed: input.imputed!.map { $0 + delta })
    #expect(abs(try Stabilisation.residual(shifted, lambda: lambda)) < 1e-14)
    #expect(close(try Estimator.pvdr(lambda).value(shifted), try Estimator.steadyStatePVDR(lambda).value(input)))
    // λ ≡ 0 has no steady state to fit.
    #expect(throws: EstimatorError.self) { try Estimator.steadyStatePVDR(.constant(0)).value(input) }
  }

  @Test func perSampleValuesAverageToTheEstimateAndTheIntervalIsSeeded() throws {
    let all: [Estimator] = [.naive, .ips, .snips, .dr, .pvdr(.constant(0.5)), .stableDR, .steadyStatePVDR(.constant(0.5))]
    for estimator in all {
      let a = try estimator.estimate(input, seed: 9, resamples: 400)
      #expect(a.perSample.count == 12)
      #expect(close(a.perSample.reduce(0, +) / 12, a.mean, 1e-12), "\(estimator.name)")
      #expect(close(a.mean, try estimator.value(input)), "\(estimator.name)")
      let interval = try #require(a.interval)
      #expect(interval.lower <= a.mean && a.mean <= interval.upper, "\(estimator.name): \(interval)")
      #expect(interval.resamples == 400 && interval.level == 0.95)
      let b = try estimator.estimate(input, seed: 9, resamples: 400)
      #expect(b.interval == a.interval, "\(estimator.name): same seed, same interval")
    }
  }

  @Test func clippingBindsAtTheFloor() throws {
    // Row 8 (observed, p̂ = 0.03) counts as 0.05: its IPS term is 2.10/0.05 = 42.
    let ips = try Estimator.ips.estimate(input)
    #expect(close(ips.perSample[8], 42))
    let loose = try EstimatorInput(
      observed: FixedArrays.observed, errors: FixedArrays.errors, propensities: FixedArrays.propensities,
      clip: PropensityClip(floor: 0.01))
    #expect(close(try Estimator.ips.estimate(loose).perSample[8], 70))
    let tight = try EstimatorInput(
      observed: FixedArrays.observed, errors: FixedArrays.errors, propensities: FixedArrays.propensities,
      clip: PropensityClip(floor: 0.05, ceiling: 0.5))
    #expect(close(try Estimator.ips.estimate(tight).perSample[3], 0.05 / 0.5))
  }
}
