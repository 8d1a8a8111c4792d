// The estimator report of issue 12 (item 7): each estimator's bias, variance and
// RMSE as an estimator of the known ideal loss of SimulatedWorld, over seeded
// draws, at several propensity floors and imputation qualities.

/// The study: for each floor f, imputation q and estimator E, over draws k = 0..<D
/// (draw k seeded `seed &+ k`, the same draws for every cell), the error
/// d_k = E(draw k; clip [f, 1], q) − L_ideal(draw k), and
///   bias = mean d_k,  variance = sample variance of d_k (n − 1),  RMSE = √(mean d_k²),
/// so RMSE² = bias² + variance·(D − 1)/D. Taking d_k against each draw's own ideal
/// loss (not its expectation) measures the estimator as it is used: to estimate the
/// loss of the data at hand. The estimator is given the true p(x), so any bias at a
/// floor that binds is clipping bias (IPS: E[o e / max(p, f)] − E[e] < 0).
public struct EstimatorStudy: Sendable {
  /// An imputation quality of the study, with its name in tables.
  public struct Quality: Sendable {
    public let name: String
    public let imputation: SimulatedWorld.Imputation
    public init(_ name: String, _ imputation: SimulatedWorld.Imputation) {
      self.name = name
      self.imputation = imputation
    }
  }

  /// exact m(x); rough a(x) = 0.3 + 0.3x (half the slope, 0.05 low on average: wrong
  /// per row and biased overall); constant, the mean error of the observed rows.
  public static let standardQualities = [
    Quality("exact", .exact), Quality("rough", .linear(slope: 0.3, intercept: 0.3)), Quality("constant", .observedMean),
  ]

  /// naive, IPS, SNIPS, DR, StableDR and PVDR with λ = 0.5.
  public static let standardEstimators: [Estimator] = [.naive, .ips, .snips, .dr, .stableDR, .pvdr(.constant(0.5))]

  public static let standardFloors = [0.01, 0.05, 0.1]

  public var world = SimulatedWorld.study
  public var floors = standardFloors
  public var qualities = standardQualities
  public var estimators = standardEstimators
  public var draws = 500
  public var rows = 2000
  public var seed: UInt64 = 0

  public init() {}

  /// One (floor, imputation, estimator) figure. `imputation` is nil for the
  /// estimators that do not read ê (naive, IPS, SNIPS): one cell per floor for them.
  public struct Cell: Sendable {
    public let floor: Double
    public let estimator: String
    public let imputation: String?
    public let bias: Double
    /// z_{0.995}·sd/√D: the truth (bias 0) lies within bias ± this for an unbiased estimator, 99 % of the time.
    public let biasHalfWidth99: Double
    public let variance: Double
    public var std: Double { variance.squareRoot() }
    public let rmse: Double
  }

  /// The cells in order: floor, then estimator, then imputation. Throws on a bad
  /// floor or world, fewer than 2 draws or 1 row, or an estimate that is undefined.
  public func run() throws(EstimatorError) -> [Cell] {
    guard draws >= 2 else { throw .empty("the study needs at least 2 draws, got \(draws)") }
    guard rows >= 1 else { throw .empty("the study needs at least 1 row, got \(rows)") }
    guard !qualities.isEmpty, !estimators.isEmpty, !floors.isEmpty else {
      throw .empty("the study needs at least one floor, imputation and estimator")
    }
    let clips = try floors.map { f throws(EstimatorError) in try PropensityClip(floor: f) }
    // Cell layout: index (floor, estimator, quality or 0).
    struct Key { let floor: Int, estimator: Int, quality: Int? }
    var keys: [Key] = []
    for f in floors.indices {
      for (j, e) in estimators.enumerated() {
        if e.needsImputation { for q in qualities.indices { keys.append(Key(floor: f, estimator: j, quality: q)) } }
        else { keys.append(Key(floor: f, estimator: j, quality: nil)) }
      }
    }
    var sum = [Double](repeating: 0, count: keys.count), sumSquares = sum
    var inputs = [EstimatorInput?](repeating: nil, count: floors.count * qualities.count)
    for k in 0..<draws {
      let d = world.draw(rows: rows, seed: seed &+ UInt64(k))
      do throws(EstimatorError) {
        for f in floors.indices {
          for q in qualities.indices {
            inputs[f * qualities.count + q] = try world.input(
              d, propensity: .exact, imputation: qualities[q].imputation, clip: clips[f])
          }
        }
        for (c, key) in keys.enumerated() {
          let input = inputs[key.floor * qualities.count + (key.quality ?? 0)]!
          let error = try estimators[key.estimator].value(input) - d.truth
          sum[c] += error
          sumSquares[c] += error * error
        }
      } catch {
        // A draw of few rows can have no observed row: say which draw, and the way out.
        throw .empty("draw \(k) (seed \(seed &+ UInt64(k)), \(rows) rows): \(error); more rows make it unlikely")
      }
    }
    let n = Double(draws)
    return keys.enumerated().map { c, key in
      let mean = sum[c] / n
      let variance = max(0, (sumSquares[c] - n * mean * mean) / (n - 1))
      return Cell(
        floor: floors[key.floor], estimator: estimators[key.estimator].name,
        imputation: key.quality.map { qualities[$0].name }, bias: mean,
        biasHalfWidth99: 2.5758 * (variance / n).squareRoot(), variance: variance,
        rmse: (sumSquares[c] / n).squareRoot())
    }
  }
}
