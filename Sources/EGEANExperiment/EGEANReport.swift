// train-egean's report: the entire-space table (EGEAN Tables 2 and 3's metrics),
// which label the entire-space CVR AUC used, paired differences over seeds with
// intervals and the closing note on the paper's orderings; the shared writer
// (ExperimentReport) writes metrics.json, timings.json and config.yaml.
import CVRCore
import CVRMetrics
import CVRReports
import Foundation
import MetaCVRExperiment

package struct EGEANReport {
  package let shared: ExperimentReport
  /// The label the entire-space CVR AUC was scored against.
  package let label: EntireSpaceCVRLabel

  package init(outcome: ExperimentOutcome, config: ExperimentConfig, data: ExperimentData, command: String) {
    shared = ExperimentReport(outcome: outcome, config: config, data: data, command: command)
    label = EntireSpaceEvaluation(data: data).entireSpaceLabel
  }

  var result: MultiSeedResult { shared.outcome.result }

  /// The stdout table's columns: metrics.json name → heading.
  static let columns = [
    ("cvr_auc_exposure", "CVR AUC (entire)"), ("ctcvr_auc", "CTCVR AUC"), ("ctr_auc", "CTR AUC"),
    ("cvr_auc_click", "CVR AUC (clicks)"), ("cvr_logloss", "CVR log loss"),
  ]

  @discardableResult
  package func write(to directory: URL) throws -> [URL] {
    try shared.write(to: directory, plots: try plots(), markdown: markdown(plots:))
  }

  /// Mean ± std per model, fixed-width (stdout).
  package func table() -> String {
    var rows = [["Model"] + Self.columns.map(\.1)]
    for model in result.models {
      rows.append([model.name] + Self.columns.map { key, _ in
        model[key].map { "\(ReportMarkdown.fixed($0.mean, 4)) ± \(ReportMarkdown.fixed($0.std, 4))" } ?? "—"
      })
    }
    return ExperimentReport.fixedWidth(rows)
  }

  /// ROC of the entire-space CVR (first seed, against `label`) and the loss curves.
  package func plots() throws -> [ReportPlot] {
    let seed = shared.config.seeds[0]
    let evaluation = EntireSpaceEvaluation(data: shared.data)
    let labels = try evaluation.labels()
    let truth = labels.potential ?? zip(labels.click, labels.conversion).map { $0 && $1 }
    let roc = shared.outcome.firstSeedScores.map { name, scores -> PlotSeries in
      let points = ROCCurve.points(scores: scores.map(Double.init), labels: truth)
      return PlotSeries(name: name, x: points.fpr, y: points.tpr)
    }
    let caption = "Entire-space CVR ROC over the \(truth.count) test exposures, labels: \(label.rawValue), seed \(seed)"
    let title = "Entire-space CVR ROC (seed \(seed))"
    var plots = [ReportPlot(fileName: "roc.svg", caption: caption, svg: PlotROC.svg(roc, title: title))]
    if let loss = ExperimentReport.lossPlot(
      shared.outcome.runs, seed: seed, holdout: "held-out training exposures, never the test rows") { plots.append(loss) }
    return plots
  }

  /// What the entire-space CVR AUC counts as a conversion.
  var labelNote: String {
    switch label {
    case .potentialConversion:
      "The data has the potential conversion (a simulator's `truth: potential_conversion` column), so the "
        + "entire-space CVR AUC (`cvr_auc_exposure`) scores pCVR over every test exposure against what the row "
        + "would have done if clicked."
    case .unclickedAsNegative:
      "The data has no potential conversion, so the entire-space CVR AUC (`cvr_auc_exposure`) counts every "
        + "unclicked test exposure as a negative (y = click · conversion): the observable proxy, as the paper's "
        + "public-data evaluation must."
    }
  }

  /// A comparison of the closing note: "A − B" on a metric with its paired interval.
  struct Comparison {
    var a: String, b: String, metric: String
    var difference: PairedDifference?
  }

  func compare(_ a: String, _ b: String, _ metric: String) -> Comparison {
    let difference = result[a, metric].flatMap { x in result[b, metric].flatMap { PairedDifference(x.values, minus: $0.values) } }
    return Comparison(a: a, b: b, metric: metric, difference: difference)
  }

  /// The best baseline by mean entire-space CVR AUC among those run.
  var bestBaseline: String? {
    ModelCatalog.egeanBaselines.compactMap { name in result[name, "cvr_auc_exposure"].map { (name, $0.mean) } }
      .filter { $0.1.isFinite }.max { $0.1 < $1.1 }?.0
  }

  /// The full model the ablations are compared with: the one with their estimator
  /// ("EGEAN" trained with it, else EGEAN+PVDR or EGEAN+DR by name).
  var fullModel: String? {
    let ablation = ModelCatalog.egeanAblations.map(\.name).first { result[$0, "cvr_auc_exposure"] != nil }
    var estimator = ModelCatalog.egeanDefaultEstimator
    if let ablation, case .object(let options)? = shared.config.modelOptions[ablation],
      case .string(let chosen)? = options["estimator"] {
      estimator = chosen
    }
    let named = estimator == "dr" ? "EGEAN+DR" : "EGEAN+PVDR"
    return ["EGEAN", named].first { result[$0, "cvr_auc_exposure"] != nil }
  }

  /// The paper's orderings as comparisons: PVDR vs DR, DR vs the best baseline, the full model vs each ablation.
  func comparisons() -> [(claim: String, comparison: Comparison)] {
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

  func interval(_ d: PairedDifference) -> String {
    guard let lower = d.lower, let upper = d.upper else { return "— (one seed)" }
    return "[\(ReportMarkdown.fixed(lower, 4)), \(ReportMarkdown.fixed(upper, 4))]"
  }

  /// "holds" when the mean difference has the claimed sign (strict for >), and
  /// whether its interval excludes zero; "not run" when a side is missing.
  func verdict(_ claim: String, _ c: Comparison) -> String {
    guard let d = c.difference else { return "not run" }
    let strict = !claim.contains("≥")
    let holds = strict ? d.mean > 0 : d.mean >= 0
    let sure = d.isPositive ? " (interval above 0)" : d.isNegative ? " (interval below 0)" : " (interval contains 0)"
    return (holds ? "holds" : "does not hold") + sure
  }

  package func markdown(plots: [ReportPlot]) throws -> String {
    var text = ReportMarkdown.render(result, title: "train-egean results", decimals: 4, plots: plots)
    text += "\n## Entire-space CVR label\n\n\(labelNote) `cvr_auc_click` is over the clicked test rows, "
      + "`ctr_auc` and `ctcvr_auc` (pCTR·pCVR against click·conversion) over every test exposure, "
      + "`cvr_logloss` over the clicked test rows.\n"
    text += "\n## Paired differences over seeds\n\n"
      + "A − B per seed (the same seeds), mean and 95 % paired t interval (mean ± t₀.₉₇₅,ₙ₋₁ · s/√n).\n\n"
      + "| Claim | A − B | Metric | Mean | Std | Interval | Verdict |\n| --- | --- | --- | ---: | ---: | --- | --- |\n"
    let all = comparisons()
    for (claim, c) in all {
      let d = c.difference
      text += "| \(claim) | \(c.a) − \(c.b) | \(c.metric) | \(d.map { ReportMarkdown.fixed($0.mean, 4) } ?? "—") | "
        + "\(d.map { ReportMarkdown.fixed($0.std, 4) } ?? "—") | \(d.map(interval) ?? "—") | \(verdict(claim, c)) |\n"
    }
    text += "\n## Closing note\n\n" + closingNote(all) + "\n"
    text += shared.timingsMarkdown()
    let splits = shared.data.splits
    let source = shared.config.testFile.map { "`\(shared.config.data ?? "?")` (train) and `\($0)` (test)" }
      ?? "`\(shared.config.data ?? "?")`: train days \(shared.config.trainDays ?? "?"), test days \(shared.config.validDays ?? "?")"
    text += "\n## Data\n\n\(source): \(splits.rows(.train, space: .exposure).count) training exposures "
      + "(\(splits.rows(.train, space: .click).count) clicks), \(splits.rows(.valid, space: .exposure).count) test "
      + "exposures (\(splits.rows(.valid, space: .click).count) clicks). Early stopping watches each model's "
      + "criterion (default: CVR AUC, unclicked rows negative) on a held-out "
      + "\(ReportMarkdown.fixed(shared.config.holdout * 100, 0)) % of the training exposures, never trained on; "
      + "the test rows are read only by the final evaluation.\n"
    text += try shared.commandMarkdown()
    return text
  }

  /// Whether EGEAN+PVDR ≥ EGEAN+DR > best baseline and each ablation loses, on the entire-space CVR AUC.
  func closingNote(_ all: [(claim: String, comparison: Comparison)]) -> String {
    let cvr = all.filter { $0.comparison.metric == "cvr_auc_exposure" }
    let lines = cvr.map { "- \($0.claim): \(verdict($0.claim, $0.comparison))." }
    let run = cvr.filter { $0.comparison.difference != nil }
    let held = run.filter { verdict($0.claim, $0.comparison).hasPrefix("holds") }.count
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
