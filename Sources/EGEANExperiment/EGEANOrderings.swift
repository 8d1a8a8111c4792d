// The paper's orderings over a multi-seed result (EGEAN §3.1–3.2): EGEAN+PVDR ≥
// EGEAN+DR > the best baseline, and each ablation below the full model, as paired
// differences over seeds with intervals and the closing note's verdicts.
import CVRReports
import MetaCVRExperiment

package struct EGEANOrderings {
  package let result: MultiSeedResult
  /// The estimator the ablations were trained with ("dr" or "pvdr"): picks the full model they are compared with.
  package let ablationEstimator: String

  package init(result: MultiSeedResult, ablationEstimator: String = ModelCatalog.egeanDefaultEstimator) {
    self.result = result
    self.ablationEstimator = ablationEstimator
  }

  /// A comparison of the closing note: "A − B" on a metric with its paired interval.
  package struct Comparison {
    package var a: String, b: String, metric: String
    package var difference: PairedDifference?
  }

  func compare(_ a: String, _ b: String, _ metric: String) -> Comparison {
    let difference = result[a, metric].flatMap { x in result[b, metric].flatMap { PairedDifference(x.values, minus: $0.values) } }
    return Comparison(a: a, b: b, metric: metric, difference: difference)
  }

  /// The best baseline by mean entire-space CVR AUC among those run.
  package var bestBaseline: String? {
    ModelCatalog.egeanBaselines.compactMap { name in result[name, "cvr_auc_exposure"].map { (name, $0.mean) } }
      .filter { $0.1.isFinite }.max { $0.1 < $1.1 }?.0
  }

  /// The full model the ablations are compared with: the one with their estimator
  /// ("EGEAN" trained with it, else EGEAN+PVDR or EGEAN+DR by name).
  package var fullModel: String? {
    let named = ablationEstimator == "dr" ? "EGEAN+DR" : "EGEAN+PVDR"
    return ["EGEAN", named].first { result[$0, "cvr_auc_exposure"] != nil }
  }

  /// The paper's orderings as comparisons: PVDR vs DR, DR vs the best baseline, the full model vs each ablation.
  package func comparisons() -> [(claim: String, comparison: Comparison)] {
    var out: [(String, Comparison)] = []
    for metric in ["cvr_auc_exposure", "ctcvr_auc"] {
      out.append(("EGEAN+PVDR ≥ EGEAN+DR", compare("EGEAN+PVDR", "EGEAN+DR", metric)))
      if let best = bestBaseline { out.append(("EGEAN+DR > best baseline (\(best))", compare("EGEAN+DR", best, metric))) }
      if let full = fullModel {
        for ablation in ModelCatalog.egeanAblations.map(\.name) {
          out.append(("\(ablation) loses", compare(full, ablation, metric)))
        }
      }
    }
    return out
  }

  package static func interval(_ d: PairedDifference) -> String {
    guard let lower = d.lower, let upper = d.upper else { return "— (one seed)" }
    return "[\(ReportMarkdown.fixed(lower, 4)), \(ReportMarkdown.fixed(upper, 4))]"
  }

  /// "holds" when the mean difference has the claimed sign (strict for >), and
  /// whether its interval excludes zero; "not run" when a side is missing.
  package static func verdict(_ claim: String, _ c: Comparison) -> String {
    guard let d = c.difference else { return "not run" }
    let strict = !claim.contains("≥")
    let holds = strict ? d.mean > 0 : d.mean >= 0
    let sure = d.isPositive ? " (interval above 0)" : d.isNegative ? " (interval below 0)" : " (interval contains 0)"
    return (holds ? "holds" : "does not hold") + sure
  }

  /// Whether EGEAN+PVDR ≥ EGEAN+DR > best baseline and each ablation loses, on the entire-space CVR AUC.
  package func closingNote(_ all: [(claim: String, comparison: Comparison)]) -> String {
    let cvr = all.filter { $0.comparison.metric == "cvr_auc_exposure" }
    let lines = cvr.map { "- \($0.claim): \(Self.verdict($0.claim, $0.comparison))." }
    let run = cvr.filter { $0.comparison.difference != nil }
    let held = run.filter { Self.verdict($0.claim, $0.comparison).hasPrefix("holds") }.count
    var text = "On the entire-space CVR AUC (the paper's Table 2 and 3 metric; CTCVR in the table above), "
    if run.isEmpty {
      text += "none of the paper's orderings can be checked: this run lacks the models they compare "
        + "(EGEAN+PVDR, EGEAN+DR, a baseline, the ablations)."
    } else {
      text += "\(held) of the \(run.count) orderings this run can check hold in the mean difference "
        + "(a verdict with an interval containing 0 is not resolved by \(result.seeds.count) seeds):"
    }
    return text + "\n\n" + lines.joined(separator: "\n")
  }
}
