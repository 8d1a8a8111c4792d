// A simulated MNAR world with known propensities and a known ideal loss, for the
// unbiasedness and variance tests: every draw is seeded.
import CVRCore
import CVREstimators

/// Row i: x ~ U(0, 1); true propensity p(x) = pLow + (pHigh − pLow)·x; observed
/// o ~ Bernoulli(p(x)); error e = m(x) + U(−0.2, 0.2) with m(x) = 0.2 + 0.6x, so
/// rows more likely observed have larger errors (the naive mean is biased up).
/// The truth of a draw is its ideal loss (1/N) Σ_all e_i. Noise is independent of
/// o given x, so E[e | x, o] = m(x): ê = m(x) is the correct imputation.
struct SimulatedWorld {
  var pLow = 0.1, pHigh = 0.9

  /// The propensities the estimator is given.
  enum Propensity { case exact, constant(Double) }
  /// The imputation the estimator is given: exact m(x), or a(x) = slope·x + intercept.
  enum Imputation { case exact, linear(slope: Double, intercept: Double) }

  struct Draw {
    var observed: [Bool] = [], errors: [Double] = [], x: [Double] = [], propensity: [Double] = []
    var truth = 0.0
  }

  func draw(rows: Int, seed: UInt64) -> Draw {
    var rng = SeededGenerator(seed: seed)
    var d = Draw()
    d.observed.reserveCapacity(rows); d.errors.reserveCapacity(rows); d.x.reserveCapacity(rows)
    d.propensity.reserveCapacity(rows)
    var total = 0.0
    for _ in 0..<rows {
      let x = Double.random(in: 0..<1, using: &rng)
      let p = pLow + (pHigh - pLow) * x
      let e = 0.2 + 0.6 * x + Double.random(in: -0.2..<0.2, using: &rng)
      d.x.append(x); d.propensity.append(p); d.errors.append(e)
      d.observed.append(Double.random(in: 0..<1, using: &rng) < p)
      total += e
    }
    d.truth = total / Double(rows)
    return d
  }

  func input(_ d: Draw, propensity: Propensity, imputation: Imputation, clip: PropensityClip = .standard) -> EstimatorInput {
    let p: [Double] = switch propensity {
    case .exact: d.propensity
    case .constant(let c): [Double](repeating: c, count: d.x.count)
    }
    let h: [Double] = switch imputation {
    case .exact: d.x.map { 0.2 + 0.6 * $0 }
    case .linear(let slope, let intercept): d.x.map { slope * $0 + intercept }
    }
    // Errors on unobserved rows are hidden from the estimators: NaN proves they are never read.
    let e = zip(d.errors, d.observed).map { $1 ? $0 : .nan }
    return try! EstimatorInput(observed: d.observed, errors: e, propensities: p, imputed: h, clip: clip)
  }
}

/// Mean, sample standard deviation and the 99 % normal half-width of the mean.
struct Summary: CustomStringConvertible {
  let mean: Double, sd: Double, count: Int
  init(_ values: [Double]) {
    count = values.count
    let m = values.reduce(0, +) / Double(values.count)
    mean = m
    sd = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
  }
  /// z_{0.995} · sd / √n.
  var halfWidth99: Double { 2.5758 * sd / Double(count).squareRoot() }
  var variance: Double { sd * sd }
  var description: String { "mean \(mean) ± \(halfWidth99) (99 %), sd \(sd), n \(count)" }
}
