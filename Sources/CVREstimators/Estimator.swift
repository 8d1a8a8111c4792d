// The estimators of the ideal loss (1/|D|) Σ_{i∈D} e_i from observed rows only:
// naive, IPS, SNIPS, DR, PVDR, StableDR and PVDR under its steady-state condition.
// One weighted formula per estimator serves the estimate (unit weights) and every
// bootstrap resample (multiplicities), so the interval refits what the estimate fits.
import CVRMetrics

/// An estimator of the ideal loss L_ideal = (1/|D|) Σ_i e_i (Wang et al. ICML 2019, the
/// prediction inaccuracy over all pairs; EGEAN Eq. 7) given o, e on observed rows, p̂ (clipped) and ê.
///
/// Each formula is a weighted mean with multiplicities c_i (c ≡ 1 for the estimate;
/// bootstrap counts for a resample). With p_i = clip(p̂_i):
/// - `naive` (EGEAN Eq. 9): Σ c o e / Σ c o, the mean error over observed rows.
/// - `ips` (Schnabel et al. ICML 2016, the IPS estimator; Wang et al. 2019): Σ c o e/p / Σ c.
/// - `snips` (Swaminathan & Joachims NeurIPS 2015, the self-normalised estimator;
///   Schnabel et al. 2016): Σ c o e/p / Σ c o/p. Over the whole array, i.e. per epoch when the
///   array is an epoch; the tape loss `snipsLoss` says how a mini-batch normalises.
/// - `dr` (Wang et al. ICML 2019 §3, the doubly robust estimator; Dudík et al. ICML 2011): Σ c [ê + o(e − ê)/p] / Σ c.
/// - `pvdr(λ)` (RECONSTRUCTION, seeds-code.md §2.6 "Eq. 12/13"; EGEAN §2.2.2 whose
///   Eq. 10–13 are blank in our copy): Σ c [λê + o(e − λê)/p] / Σ c; λ ≡ 0 is IPS,
///   λ ≡ 1 is DR.
/// - `stableDR` (Li, Zheng & Wu ICLR 2023, arXiv 2205.04701, the SDR estimator):
///   (1/|D|) Σ ê_i for an imputation that meets the stabilisation constraint
///   Σ o (e − ê)/p = 0. Here ê is shifted by the δ that meets it on the (resampled)
///   rows, `Stabilisation.shift`, so the value is Σ c (ê + δ) / Σ c; with ê ≡ 0 (an
///   intercept-only imputation) it is SNIPS.
/// - `steadyStatePVDR(λ)` (RECONSTRUCTION, seeds-code.md §2.6 "Eq. 11"): PVDR with ê
///   shifted by δ so that the steady-state condition Σ o (e − λ(ê + δ))/p = 0 holds;
///   then PVDR = Σ c λ(ê + δ) / Σ c. λ ≡ 1 gives `stableDR`.
public enum Estimator: Sendable {
  case naive, ips, snips, dr
  case pvdr(PVDRLambda)
  case stableDR
  case steadyStatePVDR(PVDRLambda)

  /// The name in tables: naive, ips, snips, dr, pvdr(λ), stabledr, pvdr-ss(λ).
  public var name: String {
    switch self {
    case .naive: "naive"
    case .ips: "ips"
    case .snips: "snips"
    case .dr: "dr"
    case .pvdr(let lambda): "pvdr(\(lambda.label))"
    case .stableDR: "stabledr"
    case .steadyStatePVDR(let lambda): "pvdr-ss(\(lambda.label))"
    }
  }

  /// Whether the formula reads ê.
  public var needsImputation: Bool {
    switch self {
    case .naive, .ips, .snips: false
    default: true
    }
  }

  /// The estimate on all rows (c ≡ 1), without an interval: the fast path for
  /// simulations. Throws when ê is missing but needed, or the value is undefined
  /// (naive or SNIPS without an observed row, a constraint that cannot be met).
  public func value(_ input: EstimatorInput) throws(EstimatorError) -> Double {
    let imputed = needsImputation ? try input.requireImputed(name) : nil
    guard let v = weightedValue(input, imputed: imputed, weights: nil) else {
      throw undefinedError(input)
    }
    return v
  }

  /// Per-sample values v_i whose mean is the estimate, their mean, and (when
  /// `seed` is given) a percentile bootstrap interval over `resamples` seeded
  /// resamples of rows (CVRMetrics.Bootstrap), refitting every normaliser and
  /// shift on each resample.
  ///
  /// v_i: naive o e·N/Σo; ips o e/p; snips o e/p·N/Σ o/p; dr ê + o(e − ê)/p;
  /// pvdr λê + o(e − λê)/p; stableDR ê + δ; steadyStatePVDR λ(ê + δ).
  public func estimate(
    _ input: EstimatorInput, seed: UInt64? = nil, resamples: Int = 1000, alpha: Double = 0.05
  ) throws(EstimatorError) -> Estimate {
    let imputed = needsImputation ? try input.requireImputed(name) : nil
    guard let mean = weightedValue(input, imputed: imputed, weights: nil) else { throw undefinedError(input) }
    let values = perSample(input, imputed: imputed)
    var interval: BootstrapInterval? = nil
    if let seed {
      interval = Bootstrap.interval(
        rows: input.count, estimate: mean, resamples: resamples, alpha: alpha, seed: seed
      ) { counts in weightedValue(input, imputed: imputed, weights: counts) }
    }
    return Estimate(estimator: name, perSample: values, mean: mean, interval: interval)
  }

  private func undefinedError(_ input: EstimatorInput) -> EstimatorError {
    switch self {
    case .stableDR, .steadyStatePVDR: .unsolvableConstraint("\(name): Σ o·λ/p̂ = 0, the constraint has no solution")
    default: .empty("\(name): no observed row")
    }
  }

  /// The weighted formula (weights nil = all 1); nil when undefined on these weights.
  func weightedValue(_ input: EstimatorInput, imputed: [Double]?, weights: UnsafeBufferPointer<Double>?) -> Double? {
    let n = input.count, o = input.observed, e = input.errors, p = input.propensities, clip = input.clip
    @inline(__always) func c(_ i: Int) -> Double { weights?[i] ?? 1 }
    var total = 0.0  // Σ c
    var numerator = 0.0, denominator = 0.0
    switch self {
    case .naive:
      for i in 0..<n where o[i] { numerator += c(i) * e[i]; denominator += c(i) }
      return denominator > 0 ? numerator / denominator : nil
    case .ips:
      for i in 0..<n {
        total += c(i)
        if o[i] { numerator += c(i) * e[i] / clip(p[i]) }
      }
      return numerator / total
    case .snips:
      for i in 0..<n where o[i] {
        let w = c(i) / clip(p[i])
        numerator += w * e[i]
        denominator += w
      }
      return denominator > 0 ? numerator / denominator : nil
    case .dr:
      let h = imputed!
      for i in 0..<n {
        total += c(i)
        numerator += c(i) * (o[i] ? h[i] + (e[i] - h[i]) / clip(p[i]) : h[i])
      }
      return numerator / total
    case .pvdr(let lambda):
      let h = imputed!
      for i in 0..<n {
        let pi = clip(p[i]), l = lambda(pi)
        total += c(i)
        numerator += c(i) * (o[i] ? l * h[i] + (e[i] - l * h[i]) / pi : l * h[i])
      }
      return numerator / total
    case .stableDR, .steadyStatePVDR:
      let lambda: PVDRLambda = if case .steadyStatePVDR(let l) = self { l } else { .constant(1) }
      guard let delta = Stabilisation.weightedShift(input, imputed: imputed!, lambda: lambda, weights: weights) else {
        return nil
      }
      let h = imputed!
      for i in 0..<n {
        total += c(i)
        numerator += c(i) * lambda(clip(p[i])) * (h[i] + delta)
      }
      return numerator / total
    }
  }

  /// v_i whose mean over the N rows is the estimate on all rows.
  func perSample(_ input: EstimatorInput, imputed: [Double]?) -> [Double] {
    let n = input.count, o = input.observed, e = input.errors, p = input.propensities, clip = input.clip
    let scale = Double(n)
    switch self {
    case .naive:
      let observed = Double(o.count { $0 })
      return (0..<n).map { o[$0] ? e[$0] * scale / observed : 0 }
    case .ips:
      return (0..<n).map { o[$0] ? e[$0] / clip(p[$0]) : 0 }
    case .snips:
      var weightSum = 0.0
      for i in 0..<n where o[i] { weightSum += 1 / clip(p[i]) }
      return (0..<n).map { o[$0] ? e[$0] / clip(p[$0]) * scale / weightSum : 0 }
    case .dr:
      let h = imputed!
      return (0..<n).map { o[$0] ? h[$0] + (e[$0] - h[$0]) / clip(p[$0]) : h[$0] }
    case .pvdr(let lambda):
      let h = imputed!
      return (0..<n).map { i in
        let pi = clip(p[i]), l = lambda(pi)
        return o[i] ? l * h[i] + (e[i] - l * h[i]) / pi : l * h[i]
      }
    case .stableDR, .steadyStatePVDR:
      let lambda: PVDRLambda = if case .steadyStatePVDR(let l) = self { l } else { .constant(1) }
      let h = imputed!
      let delta = Stabilisation.weightedShift(input, imputed: h, lambda: lambda, weights: nil) ?? .nan
      return (0..<n).map { lambda(clip(p[$0])) * (h[$0] + delta) }
    }
  }
}

/// An estimator's result on one array.
public struct Estimate: Sendable {
  /// `Estimator.name`.
  public let estimator: String
  /// v_i, one per row; their mean is `mean`.
  public let perSample: [Double]
  public let mean: Double
  /// The seeded percentile bootstrap interval, when a seed was given.
  public let interval: BootstrapInterval?
}
