// A small MNAR ratings world with known truth: low-rank user × item ratings,
// a training split observed with a propensity that grows with the rating (the
// Yahoo!R3 / Coat pattern: people rate what they like), and a randomised MCAR
// test split, as the debiasing literature evaluates (Marlin & Zemel 2009;
// Schnabel et al. 2016).
import CVRCore

/// Every cell of a users × items ratings matrix, its true propensity, and
/// which cells the two splits observe. Built in memory; `write` puts it in files.
///
/// Model (all draws from one `SeededGenerator(seed:)` stream, in this order):
/// - factors p_u, q_i ~ N(0, I_k / √k) (k = `rank`), item bias b_i ~ N(0, `itemBiasStd`²);
/// - latent score s_ui = ⟨p_u, q_i⟩ + b_i + ε_ui, ε ~ N(0, `noiseStd`²);
/// - rating r_ui ∈ 1 … 5 by cutting the scores of all cells at the quantiles of
///   `ratingShares` (so the MCAR marginal of the ratings is `ratingShares`);
/// - test split: `testItemsPerUser` distinct items per user, uniformly (MCAR, as
///   Yahoo!R3's 10 random songs and Coat's 16 random coats per user);
/// - item selectivity m_i ~ U(0, `itemSelectivity`) (drawn after the factors);
/// - training split: every other cell is observed independently with
///   propensity π_ui = (1 − m_i)·π̄ + m_i·`observationByRating`[r_ui − 1], π̄ the
///   mean of `observationByRating` under `ratingShares` (MNAR: the rating itself
///   decides, more for some items than for others — with one strength for all
///   items the observed positive rate would stay monotone in the true one, and
///   a naive model's ranking would hardly be biased, only its calibration).
///   Test cells are never in the training split.
public struct MNARRatingsWorld: Sendable {
  public struct Config: Sendable, Equatable {
    public var users = 300
    public var items = 200
    public var rank = 4
    public var itemBiasStd = 0.3
    public var noiseStd = 0.3
    /// MCAR shares of ratings 1 … 5 (sum 1). Default: skewed low, as Yahoo!R3's random split.
    public var ratingShares: [Double] = [0.35, 0.2, 0.2, 0.15, 0.1]
    /// p(observed in training | rating r) of a fully selective item, r = 1 … 5
    /// (≈ 25 training ratings per user, as Coat's 24). The MCAR mean π̄ is ≈ 0.132.
    public var observationByRating: [Double] = [0.04, 0.06, 0.10, 0.24, 0.50]
    public var testItemsPerUser = 10
    /// Upper end of the items' MNAR strength m_i ~ U(0, itemSelectivity), in 0 … 1
    /// (0: every item observed at the mean rate π̄, MCAR).
    public var itemSelectivity = 1.0

    public init() {}
    /// The test fixture: 300 users × 200 items (≈ 7 500 training and 3 000 test ratings).
    public static let small = Config()
  }

  public let config: Config
  /// r_ui ∈ 1 … 5, row-major [users, items].
  public let ratings: [UInt8]
  /// π_ui of the training split, row-major [users, items] (also for test cells).
  public let propensities: [Double]
  /// The training cells (user, item) in row-major order.
  public let train: [(user: Int, item: Int)]
  /// The test cells, grouped by user, items increasing.
  public let test: [(user: Int, item: Int)]
  /// p_u [users, rank] and q_i [items, rank], row-major: the true preferences.
  public let userFactors: [Double]
  public let itemFactors: [Double]
  /// m_i, each item's MNAR strength.
  public let itemSelectivity: [Double]

  public init(_ config: Config = .small, seed: UInt64) {
    precondition(config.users >= 1 && config.items > config.testItemsPerUser && config.rank >= 1,
                 "MNARRatingsWorld: need users ≥ 1, items > testItemsPerUser, rank ≥ 1")
    precondition(config.itemSelectivity >= 0 && config.itemSelectivity <= 1, "MNARRatingsWorld: itemSelectivity must lie in 0 … 1")
    precondition(config.ratingShares.count == 5 && config.observationByRating.count == 5,
                 "MNARRatingsWorld: ratingShares and observationByRating need one value per rating 1 … 5")
    self.config = config
    var rng = SeededGenerator(seed: seed)
    let (m, n, k) = (config.users, config.items, config.rank)
    let factorStd = 1 / Double(k).squareRoot().squareRoot()  // ⟨p, q⟩ then has variance ≈ 1
    let p = (0..<(m * k)).map { _ in rng.normal() * factorStd }
    let q = (0..<(n * k)).map { _ in rng.normal() * factorStd }
    let b = (0..<n).map { _ in rng.normal() * config.itemBiasStd }
    let selectivity = (0..<n).map { _ in rng.unit() * config.itemSelectivity }
    var scores = [Double](repeating: 0, count: m * n)
    for u in 0..<m {
      for i in 0..<n {
        var s = b[i] + rng.normal() * config.noiseStd
        for d in 0..<k { s += p[u * k + d] * q[i * k + d] }
        scores[u * n + i] = s
      }
    }
    // Cut points at the cumulative shares of the sorted scores.
    let sorted = scores.sorted()
    var cuts: [Double] = []
    var cumulative = 0.0
    for share in config.ratingShares.dropLast() {
      cumulative += share
      cuts.append(sorted[min(sorted.count - 1, Int(cumulative * Double(sorted.count)))])
    }
    let ratings = scores.map { s in UInt8(1 + cuts.reduce(0) { $0 + (s >= $1 ? 1 : 0) }) }
    var test: [(user: Int, item: Int)] = []
    var isTest = [Bool](repeating: false, count: m * n)
    for u in 0..<m {
      var chosen: [Int] = []
      while chosen.count < config.testItemsPerUser {
        let i = rng.below(n)
        if !isTest[u * n + i] {
          isTest[u * n + i] = true
          chosen.append(i)
        }
      }
      for i in chosen.sorted() { test.append((u, i)) }
    }
    let meanRate = zip(config.ratingShares, config.observationByRating).reduce(0) { $0 + $1.0 * $1.1 }
    let propensities = (0..<(m * n)).map { c in
      let strength = selectivity[c % n]
      return (1 - strength) * meanRate + strength * config.observationByRating[Int(ratings[c]) - 1]
    }
    var train: [(user: Int, item: Int)] = []
    for c in 0..<(m * n) where !isTest[c] && rng.bernoulli(propensities[c]) { train.append((c / n, c % n)) }
    self.ratings = ratings
    self.propensities = propensities
    self.train = train
    self.test = test
    userFactors = p
    itemFactors = q
    itemSelectivity = selectivity
  }

  /// r_ui.
  public func rating(user: Int, item: Int) -> Int { Int(ratings[user * config.items + item]) }
  /// π_ui.
  public func propensity(user: Int, item: Int) -> Double { propensities[user * config.items + item] }
}
