// Naive-Bayes propensities of ratings from an MCAR sample (Schnabel et al. 2016
// §5): the observation probability of each rating level, by Bayes' rule.

/// p̂(r) = P(r | o = 1) · P(o = 1) / P(r) (Schnabel, Swaminathan, Singh, Chandak &
/// Joachims, "Recommendations as Treatments", ICML 2016, §5 "Naive Bayes"):
/// P(r | o = 1) the share of level r among the observed (MNAR) ratings,
/// P(o = 1) = |observed| / cells (cells = users · items), P(r) the share of r in an
/// MCAR sample, with Laplace +1 per level (our choice: a level missing from a small
/// MCAR sample would divide by zero). Results above 1 are cut to 1. Σ_r p̂(r) P(r)
/// = P(o = 1) over the levels seen in either set (the consistency the tests check).
public enum NaiveBayesPropensity {
  /// p̂ per rating level. Throws when either sample is empty or cells < |observed|.
  public static func byLevel(observed: [Float], mcar: [Float], cells: Int) throws(EstimatorError) -> [Float: Double] {
    guard !observed.isEmpty, !mcar.isEmpty, cells >= observed.count else {
      throw .empty("naive-Bayes propensity: need observed and MCAR ratings and cells ≥ observed (\(observed.count) observed, \(mcar.count) MCAR, \(cells) cells)")
    }
    var seen: [Float: Double] = [:], random: [Float: Double] = [:]
    for r in observed { seen[r, default: 0] += 1 }
    for r in mcar { random[r, default: 0] += 1 }
    let levels = Set(seen.keys).union(random.keys)
    let randomTotal = Double(mcar.count + levels.count)
    let pObserved = Double(observed.count) / Double(cells)
    var out: [Float: Double] = [:]
    for r in levels {
      let pRGivenO = seen[r, default: 0] / Double(observed.count)
      out[r] = min(1, pRGivenO * pObserved / ((random[r, default: 0] + 1) / randomTotal))
    }
    return out
  }
}
