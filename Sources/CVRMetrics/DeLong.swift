// DeLong's variance of an AUC and of the difference of two AUCs scored on the
// same rows (correlated ROC curves), from the placement values of each row.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or more
/// correlated receiver operating characteristic curves: a nonparametric approach",
/// Biometrics 44(3), with the midrank computation of Sun & Xu (2014), IEEE SPL 21(11).
///
/// With m positives x_i and n negatives y_j of a score, ψ(a, b) = [a > b] + ½[a = b]:
///   V10(x_i) = (1/n) Σ_j ψ(x_i, y_j),   V01(y_j) = (1/m) Σ_i ψ(x_i, y_j),
///   AUC = mean_i V10(x_i) = mean_j V01(y_j),
///   Var(AUC) = S10/m + S01/n,  S10, S01 the sample variances (denominators m−1, n−1).
/// For two scores A, B of the same rows, Cov(AUC_A, AUC_B) = S10_AB/m + S01_AB/n
/// (sample covariances of the placements) and
///   Var(AUC_A − AUC_B) = Var_A + Var_B − 2·Cov_AB,   z = (AUC_A − AUC_B)/√Var.
/// Placements from midranks: V10(x_i) = (R_i − R⁺_i)/n, V01(y_j) = 1 − (R_j − R⁻_j)/m,
/// R the midrank among all rows, R⁺ / R⁻ among the positives / negatives only.
public enum DeLong {
  /// One score's AUC with its placement values.
  public struct Placements: Sendable {
    public let auc: Double
    /// V10 of each positive and V01 of each negative, in row order of each class.
    public let positive: [Double]
    public let negative: [Double]
  }

  /// The AUC of A minus that of B on the same rows, with DeLong's standard error.
  public struct Difference: Sendable, Equatable {
    public let aucA: Double
    public let aucB: Double
    public var difference: Double { aucA - aucB }
    /// √Var(AUC_A − AUC_B).
    public let standardError: Double
    /// z = difference / standardError (0 when both are 0: identical rankings).
    public let z: Double
    /// Two-sided p-value 2·(1 − Φ(|z|)).
    public let pValue: Double
    /// difference ± 1.959964·standardError (the normal 95 % interval).
    public var lower: Double { difference - 1.959964 * standardError }
    public var upper: Double { difference + 1.959964 * standardError }
  }

  /// Placement values of `scores` against `labels`; nil without both classes.
  public static func placements(scores: [Double], labels: [Bool]) -> Placements? {
    precondition(scores.count == labels.count, "scores.count ≠ labels.count")
    var pos: [Double] = [], neg: [Double] = []
    for (s, l) in zip(scores, labels) { if l { pos.append(s) } else { neg.append(s) } }
    let m = Double(pos.count), n = Double(neg.count)
    guard m > 0, n > 0 else { return nil }
    let all = midranks(scores)
    let rankPos = midranks(pos), rankNeg = midranks(neg)
    var v10 = [Double](repeating: 0, count: pos.count), v01 = [Double](repeating: 0, count: neg.count)
    var ip = 0, ineg = 0
    for (k, l) in labels.enumerated() {
      if l {
        v10[ip] = (all[k] - rankPos[ip]) / n
        ip += 1
      } else {
        v01[ineg] = 1 - (all[k] - rankNeg[ineg]) / m
        ineg += 1
      }
    }
    return Placements(auc: v10.reduce(0, +) / m, positive: v10, negative: v01)
  }

  /// DeLong's variance of one AUC: S10/m + S01/n.
  public static func variance(_ p: Placements) -> Double {
    covariance(p.positive, p.positive) / Double(p.positive.count)
      + covariance(p.negative, p.negative) / Double(p.negative.count)
  }

  /// AUC_A − AUC_B of two scores of the same rows with DeLong's paired variance; nil without both classes.
  public static func difference(scoresA: [Double], scoresB: [Double], labels: [Bool]) -> Difference? {
    precondition(scoresA.count == scoresB.count, "scoresA.count ≠ scoresB.count")
    guard let a = placements(scores: scoresA, labels: labels), let b = placements(scores: scoresB, labels: labels)
    else { return nil }
    let m = Double(a.positive.count), n = Double(a.negative.count)
    let cov = covariance(a.positive, b.positive) / m + covariance(a.negative, b.negative) / n
    let variance = max(Self.variance(a) + Self.variance(b) - 2 * cov, 0)
    let se = variance.squareRoot()
    let d = a.auc - b.auc
    let z = se > 0 ? d / se : 0
    return Difference(aucA: a.auc, aucB: b.auc, standardError: se, z: z, pValue: erfc(abs(z) / 2.0.squareRoot()))
  }

  /// Sample covariance (denominator count − 1; 0 for fewer than two values).
  static func covariance(_ x: [Double], _ y: [Double]) -> Double {
    let k = x.count
    guard k > 1 else { return 0 }
    let mx = x.reduce(0, +) / Double(k), my = y.reduce(0, +) / Double(k)
    var s = 0.0
    for i in 0..<k { s += (x[i] - mx) * (y[i] - my) }
    return s / Double(k - 1)
  }

  /// 1-based midranks of `values` (ties share the mean of their ranks), in input order.
  static func midranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
      let mid = Double(start + end) / 2 + 1
      for k in start...end { ranks[order[k]] = mid }
      start = end + 1
    }
    return ranks
  }
}
