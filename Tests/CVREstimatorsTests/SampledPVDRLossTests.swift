// The sampled-grid DR / PVDR loss of `cvr debias train`: finite-difference
// gradients, the propensity receiving none, and with S = the whole grid and
// B = every observed row it is the PVDR (λ = 1: DR) estimate of the grid.
import CVRAutograd
import CVREstimators
import CVRTestSupport
import Testing

@Suite struct SampledPVDRLossTests {
  static let n = 12
  let rows = (0..<SampledPVDRLossTests.n).filter { FixedArrays.observed[$0] }
  let e: Parameter
  let h: Parameter
  let hs = randomParameter("sampled", Shape(SampledPVDRLossTests.n), seed: 33, in: 0.1, 2)
  let p: Parameter

  init() {
    let o = rows.count
    e = randomParameter("e", Shape(o), seed: 31, in: 0.1, 2)
    h = randomParameter("imputed", Shape(o), seed: 32, in: 0.1, 2)
    p = Parameter("propensity", shape: Shape(o))  // tracked on purpose: it must get no gradient
    for (k, r) in rows.enumerated() { p.value[k] = Float(FixedArrays.propensities[r]) }
  }

  var rho: Float { Float(rows.count) / Float(Self.n) }

  func loss(_ tape: Tape, lambda: Float) -> Tensor {
    tape.sampledPVDRLoss(errors: tape.param(e), imputed: tape.param(h), sampledImputed: tape.param(hs),
                         propensity: tape.param(p), gridShare: rho, lambda: .constant(Double(lambda)))
  }

  @Test(arguments: [1.0, 0.4] as [Float]) func finiteDifferenceGradients(lambda: Float) {
    let result = checkGradients([e, h, hs], epsilon: 1e-2, absoluteTolerance: 1e-3, relativeTolerance: 1e-2) {
      loss($0, lambda: lambda)
    }
    #expect(result.passed && result.checked == 2 * rows.count + Self.n, "\(result)")
    for q in [e, h, hs, p] { q.zeroGrad() }
    let tape = Tape()
    tape.backward(loss(tape, lambda: lambda))
    #expect(p.grad.allSatisfy { $0 == 0 }, "the propensity got a gradient")
  }

  /// S = every cell (ê of the observed cells = h, of the others = hs), B = every observed row:
  /// the loss is the grid's PVDR / DR statistic on the same arrays.
  @Test(arguments: [1.0, 0.4] as [Float]) func theWholeGridIsThePVDREstimate(lambda: Float) throws {
    var grid = hs.values()
    for (k, r) in rows.enumerated() { grid[r] = h.values()[k] }
    var errors = [Double](repeating: 0, count: Self.n)
    for (k, r) in rows.enumerated() { errors[r] = Double(e.values()[k]) }
    let input = try EstimatorInput(
      observed: FixedArrays.observed, errors: errors, propensities: FixedArrays.propensities, imputed: grid.map(Double.init))
    let tape = Tape(recording: false)
    let value = tape.sampledPVDRLoss(
      errors: tape.constant(e.values(), Shape(rows.count)), imputed: tape.constant(h.values(), Shape(rows.count)),
      sampledImputed: tape.constant(grid, Shape(Self.n)), propensity: tape.constant(p.values(), Shape(rows.count)),
      gridShare: rho, lambda: .constant(Double(lambda)))
    let expected = lambda == 1 ? try Estimator.dr.value(input) : try Estimator.pvdr(.constant(Double(lambda))).value(input)
    #expect(abs(Double(value.scalar) - expected) < 1e-5, "\(value.scalar) vs \(expected)")
  }
}
