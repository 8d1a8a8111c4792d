// The difference of two models' metric over the same seeds, paired seed by seed,
// with a Student-t interval: how a multi-seed report says whether A beats B.

/// d_s = a_s − b_s over the seeds both were run with; mean d̄, sample standard
/// deviation s_d, and the 95 % interval d̄ ± t_{0.975, n−1} · s_d / √n (the paired
/// t interval; e.g. Wasserman, All of Statistics, §10.9, or any statistics text).
/// With one seed there is no interval (nil bounds).
public struct PairedDifference: Sendable, Equatable {
  public let mean: Double
  public let std: Double
  public let count: Int
  public let lower: Double?
  public let upper: Double?

  /// Nil when the lists are empty or of different lengths.
  public init?(_ a: [Double], minus b: [Double]) {
    guard !a.isEmpty, a.count == b.count else { return nil }
    let d = zip(a, b).map { $0 - $1 }
    let n = Double(d.count)
    let mean = d.reduce(0, +) / n
    self.mean = mean
    count = d.count
    guard d.count > 1 else {
      std = 0
      (lower, upper) = (nil, nil)
      return
    }
    std = (d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    let half = Self.t975(degreesOfFreedom: d.count - 1) * std / n.squareRoot()
    (lower, upper) = (mean - half, mean + half)
  }

  /// Whether the interval lies above zero (A better than B on a higher-is-better metric).
  public var isPositive: Bool { (lower ?? -.infinity) > 0 }
  /// Whether the interval lies below zero.
  public var isNegative: Bool { (upper ?? .infinity) < 0 }

  /// The 0.975 quantile of Student's t with `df` degrees of freedom: the table
  /// values (NIST/SEMATECH e-Handbook of Statistical Methods §1.3.6.7.2) for
  /// df ≤ 30, the normal's 1.960 beyond.
  public static func t975(degreesOfFreedom df: Int) -> Double {
    let table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
    precondition(df >= 1, "t975: degrees of freedom must be at least 1")
    return df <= table.count ? table[df - 1] : 1.960
  }
}
