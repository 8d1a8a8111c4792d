// The training losses on the tape: finite-difference gradient checks for every
// loss, the propensity (a tracked parameter here) receiving no gradient, values
// equal to the array statistics (the averaging documented), per-epoch SNIPS.
import CVRAutograd
import CVREstimators
import CVRTestSupport
import Testing

@Suite struct TrainingLossTests {
  static let n = 12
  let observedValues: [Float] = FixedArrays.observed.map { $0 ? 1 : 0 }
  let e = randomParameter("e", Shape(n), seed: 21, in: 0.1, 2)
  let h = randomParameter("imputed", Shape(n), seed: 22, in: 0.1, 2)
  // Tracked on purpose: the losses must not send it gradient. Two rows below the floor.
  let p = Parameter("propensity", shape: Shape(n))

  init() {
    let values = FixedArrays.propensities.map(Float.init)
    p.fill { 0 }
    for i in 0..<Self.n { p.value[i] = values[i] }
  }

  typealias Loss = (Tape, Tensor, Tensor, Tensor, Tensor) -> Tensor  // tape, e, ê, o, p̂

  /// Every loss, with the parameters its gradient reaches.
  var losses: [(String, Loss, [Parameter])] {
    [
      ("naive", { t, e, _, o, _ in t.naiveLoss(errors: e, observed: o) }, [e]),
      ("ips", { t, e, _, o, p in t.ipsLoss(errors: e, observed: o, propensity: p) }, [e]),
      ("snips per batch", { t, e, _, o, p in t.snipsLoss(errors: e, observed: o, propensity: p) }, [e]),
      ("snips per epoch", { t, e, _, o, p in
        t.snipsLoss(errors: e, observed: o, propensity: p, normalisation: .perEpoch(meanWeight: 3.5)) }, [e]),
      ("dr", { t, e, h, o, p in t.drLoss(errors: e, imputed: h, observed: o, propensity: p) }, [e]),
      ("dr, ê tracked", { t, e, h, o, p in
        t.drLoss(errors: e, imputed: h, observed: o, propensity: p, detachImputed: false) }, [e, h]),
      ("pvdr λ = 0.4", { t, e, h, o, p in
        t.pvdrLoss(errors: e, imputed: h, observed: o, propensity: p, lambda: .constant(0.4), detachImputed: false) },
       [e, h]),
      ("pvdr λ(p̂)", { t, e, h, o, p in
        t.pvdrLoss(errors: e, imputed: h, observed: o, propensity: p, lambda: .ofPropensity { 1 - $0 },
                   detachImputed: false) }, [e, h]),
      ("dr-jl imputation", { t, e, h, o, p in
        t.imputationLoss(.drJL, errors: e, imputed: h, observed: o, propensity: p) }, [h]),
      ("mrdr imputation", { t, e, h, o, p in
        t.imputationLoss(.mrdr, errors: e, imputed: h, observed: o, propensity: p) }, [h]),
      ("stabledr imputation", { t, e, h, o, p in
        t.stableDRImputationLoss(errors: e, imputed: h, observed: o, propensity: p, penalty: 5) }, [h]),
      ("pvdr imputation λ = 0.4", { t, e, h, o, p in
        t.pvdrImputationLoss(errors: e, imputed: h, observed: o, propensity: p, lambda: .constant(0.4), penalty: 5) },
       [h]),
    ]
  }

  private func run(_ loss: Loss, _ tape: Tape) -> Tensor {
    loss(tape, tape.param(e), tape.param(h), tape.constant(observedValues, Shape(Self.n)), tape.param(p))
  }

  @Test func finiteDifferenceGradients() {
    for (name, loss, parameters) in losses {
      let result = checkGradients(parameters, epsilon: 1e-2, absoluteTolerance: 1e-3, relativeTolerance: 1e-2) {
        run(loss, $0)
      }
      #expect(result.passed && result.checked == Self.n * parameters.count, "\(name): \(result)")
    }
  }

  @Test func thePropensityAndTheFixedSideReceiveNoGradient() {
    for (name, loss, parameters) in losses {
      for q in [e, h, p] { q.zeroGrad() }
      let tape = Tape()
      let out = run(loss, tape)
      #expect(out.shape == Shape() && out.requiresGrad, "\(name)")
      tape.backward(out)
      #expect(p.grad.allSatisfy { $0 == 0 }, "\(name): the propensity got a gradient")
      for q in [e, h] where !parameters.contains(where: { $0 === q }) {
        #expect(q.grad.allSatisfy { $0 == 0 }, "\(name): \(q.name) is fixed in this loss but got a gradient")
      }
      for q in parameters { #expect(q.grad.contains { $0 != 0 }, "\(name): no gradient reached \(q.name)") }
    }
  }

  @Test func lossesEqualTheStatisticsOnTheSameArrays() throws {
    let eValues = e.values().map(Double.init), hValues = h.values().map(Double.init)
    let input = try EstimatorInput(
      observed: FixedArrays.observed, errors: eValues, propensities: FixedArrays.propensities, imputed: hValues)
    func value(_ loss: Loss) -> Double { Double(run(loss, Tape(recording: false)).scalar) }
    let table = losses
    let expected: [Double] = [
      try Estimator.naive.value(input), try Estimator.ips.value(input), try Estimator.snips.value(input),
      try Estimator.ips.value(input) / 3.5, try Estimator.dr.value(input), try Estimator.dr.value(input),
      try Estimator.pvdr(.constant(0.4)).value(input),
      try Estimator.pvdr(.ofPropensity { 1 - $0 }).value(input),
      try ImputationLoss.drJL.value(input), try ImputationLoss.mrdr.value(input),
      try ImputationLoss.drJL.value(input) + 5 * pow2(try Stabilisation.residual(input)),
      try ImputationLoss.drJL.value(input) + 5 * pow2(steadyStateResidual(eValues, hValues, lambda: 0.4)),
    ]
    for (i, (name, loss, _)) in table.enumerated() {
      #expect(close(value(loss), expected[i], 1e-5), "\(name): \(value(loss)) vs \(expected[i])")
    }
  }

  @Test func perEpochSNIPSBatchesSumToTheEpochEstimate() throws {
    // Two batches of 6: Σ_b (N_b/N) L_b = the epoch's SNIPS when w̄ is the epoch mean of o/p.
    let eValues = e.values().map(Double.init)
    let input = try EstimatorInput(observed: FixedArrays.observed, errors: eValues, propensities: FixedArrays.propensities)
    let clip = PropensityClip.standard
    let meanWeight = (0..<Self.n).reduce(0.0) { $0 + (FixedArrays.observed[$1] ? 1 / clip(FixedArrays.propensities[$1]) : 0) }
      / Double(Self.n)
    let tape = Tape(recording: false)
    var total = 0.0
    for start in [0, 6] {
      let slice = start..<(start + 6)
      let loss = tape.snipsLoss(
        errors: tape.constant(Array(e.values()[slice]), Shape(6)),
        observed: tape.constant(Array(observedValues[slice]), Shape(6)),
        propensity: tape.constant(Array(p.values()[slice]), Shape(6)), normalisation: .perEpoch(meanWeight: meanWeight))
      total += Double(loss.scalar) * 6 / Double(Self.n)
    }
    #expect(close(total, try Estimator.snips.value(input), 1e-5))
  }
}

private func pow2(_ x: Double) -> Double { x * x }

/// (1/N) Σ o (e − λ ê)/clip(p̂): PVDR's steady-state residual, by hand.
private func steadyStateResidual(_ e: [Double], _ h: [Double], lambda: Double) -> Double {
  let clip = PropensityClip.standard
  var total = 0.0
  for i in 0..<e.count where FixedArrays.observed[i] { total += (e[i] - lambda * h[i]) / clip(FixedArrays.propensities[i]) }
  return total / Double(e.count)
}
