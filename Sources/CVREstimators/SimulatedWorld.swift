// A simulated MNAR world with known propensities and a known ideal loss: the
// ground truth the unbiasedness tests and the estimator report (EstimatorStudy)
// measure every estimator against. Every draw is seeded (SeededGenerator).
import CVRCore

/// Row i of a draw: x ~ U(0, 1); true propensity p(x) = pLow + (pHigh − pLow)·x;
/// observed o ~ Bernoulli(p(x)); error e = m(x) + U(−0.2, 0.2) with m(x) = 0.2 + 0.6x,
/// so rows more likely observed have larger errors and the naive mean is biased up
/// (its bias is E[p m]/E[p] − E[m]). The truth of a draw is its ideal loss
/// (1/N) Σ_all e_i. The noise is independent of o given x, so E[e | x, o] = m(x):
/// ê = m(x) is the correct imputation.
///
/// The defaults (p ∈ [0.1, 0.9]) are the unbiasedness tests' world, where no floor
/// up to 0.1 binds; `study` is the estimator report's world (p ∈ [0.01, 0.3]).
public struct SimulatedWorld: Sendable {
  public var pLow: Double
  public var pHigh: Double

  public init(pLow: Double = 0.1, pHigh: Double = 0.9) {
    self.pLow = pLow
    self.pHigh = pHigh
  }

  /// The estimator report's world: p ∈ [0.01, 0.3], mean 0.155. The floor 0.01
  /// never binds (IPS and DR stay unbiased there, with weights up to 100); the
  /// floor 0.05 binds on the rows with x < 0.138 (13.8 %) and 0.1 on x < 0.307
  /// (30.7 %), so clipping bias grows with the floor. The ceiling 0.3 keeps every
  /// weight ≥ 3.3: the regime of small propensities where IPS's variance is large.
  public static let study = SimulatedWorld(pLow: 0.01, pHigh: 0.3)

  /// m(x) = 0.2 + 0.6x, the conditional mean error E[e | x].
  @inline(__always)
  public static func meanError(_ x: Double) -> Double { 0.2 + 0.6 * x }

  /// The propensities the estimator is given.
  public enum Propensity: Sendable { case exact, constant(Double) }

  /// The imputation the estimator is given: `exact` m(x); `linear` a(x) = slope·x + intercept;
  /// `observedMean` the constant mean error over the draw's observed rows (an
  /// intercept-only imputation fit on the observed rows, biased up like naive).
  public enum Imputation: Sendable { case exact, linear(slope: Double, intercept: Double), observedMean }

  /// One seeded draw: per row o, e (every row; estimators see only observed ones),
  /// x and the true p(x); `truth` = (1/N) Σ e.
  public struct Draw: Sendable {
    public var observed: [Bool] = [], errors: [Double] = [], x: [Double] = [], propensity: [Double] = []
    public var truth = 0.0
  }

  /// `rows` rows from `SeededGenerator(seed:)`: per row x, then the noise, then o.
  public func draw(rows: Int, seed: UInt64) -> Draw {
    var rng = SeededGenerator(seed: seed)
    var d = Draw()
    d.observed.reserveCapacity(rows); d.errors.reserveCapacity(rows); d.x.reserveCapacity(rows)
    d.propensity.reserveCapacity(rows)
    var total = 0.0
    for _ in 0..<rows {
      let x = Double.random(in: 0..<1, using: &rng)
      let p = pLow + (pHigh - pLow) * x
      let e = Self.meanError(x) + Double.random(in: -0.2..<0.2, using: &rng)
      d.x.append(x); d.propensity.append(p); d.errors.append(e)
      d.observed.append(Double.random(in: 0..<1, using: &rng) < p)
      total += e
    }
    d.truth = total / Double(rows)
    return d
  }

  /// The estimator's view of a draw: errors on unobserved rows hidden (NaN, which
  /// proves they are never read), the given propensities and imputation. Throws
  /// when the world's propensities leave [0, 1] (the error names the row) or
  /// `observedMean` has no observed row.
  public func input(
    _ d: Draw, propensity: Propensity, imputation: Imputation, clip: PropensityClip = .standard
  ) throws(EstimatorError) -> EstimatorInput {
    let p: [Double] = switch propensity {
    case .exact: d.propensity
    case .constant(let c): [Double](repeating: c, count: d.x.count)
    }
    let h: [Double]
    switch imputation {
    case .exact: h = d.x.map(Self.meanError)
    case .linear(let slope, let intercept): h = d.x.map { slope * $0 + intercept }
    case .observedMean:
      var sum = 0.0, count = 0
      for i in d.errors.indices where d.observed[i] { sum += d.errors[i]; count += 1 }
      guard count > 0 else { throw .empty("observed-mean imputation: no observed row") }
      h = [Double](repeating: sum / Double(count), count: d.x.count)
    }
    let e = zip(d.errors, d.observed).map { $1 ? $0 : .nan }
    return try EstimatorInput(observed: d.observed, errors: e, propensities: p, imputed: h, clip: clip)
  }
}
