// The losses an imputation model is trained on, as statistics over arrays: what
// makes DR-JL and MRDR differ from DR (the DR estimate itself is the same formula).

/// The imputation objective, with per-sample values and mean over all N rows
/// (unobserved rows contribute 0: the imputation is fit on observed rows only).
/// With p = clip(p̂):
/// - `drJL` (Wang, Zhang, Sun & Qi ICML 2019, the joint-learning
///   imputation loss of DR-JL; seeds-code.md §2.6 L_imp): (1/N) Σ o (e − ê)² / p.
/// - `mrdr` (Guo, Zou, Wang et al. SIGIR 2021, "Enhanced Doubly Robust Learning
///   for Debiasing Post-Click Conversion Rate Estimation", the MRDR imputation
///   loss minimising DR's variance): (1/N) Σ o (1 − p)/p² · (e − ê)².
public enum ImputationLoss: Sendable {
  case drJL, mrdr

  public var name: String {
    switch self {
    case .drJL: "dr-jl"
    case .mrdr: "mrdr"
    }
  }

  /// The weight of an observed row's squared residual at clipped propensity p.
  @inline(__always)
  public func weight(_ p: Double) -> Double {
    switch self {
    case .drJL: 1 / p
    case .mrdr: (1 - p) / (p * p)
    }
  }

  /// o_i · w(p_i) · (e_i − ê_i)², one per row.
  public func perSample(_ input: EstimatorInput) throws(EstimatorError) -> [Double] {
    let h = try input.requireImputed(name)
    return (0..<input.count).map { i in
      guard input.observed[i] else { return 0 }
      let r = input.errors[i] - h[i]
      return weight(input.clip(input.propensities[i])) * r * r
    }
  }

  /// (1/N) Σ o w(p) (e − ê)².
  public func value(_ input: EstimatorInput) throws(EstimatorError) -> Double {
    try perSample(input).reduce(0, +) / Double(input.count)
  }
}
