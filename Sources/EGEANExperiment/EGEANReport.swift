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
    let note = label == .potentialConversion
      ? "CVR AUC (entire): pCVR over every test exposure against the potential conversion (known in this data)."
      : "CVR AUC (entire): pCVR over every test exposure; no potential conversion in the data, so unclicked rows count as negatives."
    return ExperimentReport.fixedWidth(rows) + note + "\n"
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

  /// The ablations' estimator: `model_options` of the first ablation run (what
  /// `--estimator` wrote), else the catalog default.
  var ablationEstimator: String {
    for name in ModelCatalog.egeanAblations.map(\.name) where result[name, "cvr_auc_exposure"] != nil {
      if case .object(let options)? = shared.config.modelOptions[name], case .string(let chosen)? = options["estimator"] {
        return chosen
      }
    }
    return ModelCatalog.egeanDefaultEstimator
  }

  package func markdown(plots: [ReportPlot]) throws -> String {
    var text = ReportMarkdown.render(result, title: "train-egean results", decimals: 4, plots: plots)
    text += "\n## Entire-space CVR label\n\n\(labelNote) `cvr_auc_click` is over the clicked test rows, "
      + "`ctr_auc` and `ctcvr_auc` (pCTR·pCVR against click·conversion) over every test exposure, "
      + "`cvr_logloss` over the clicked test rows.\n"
    text += "\n## Paired differences over seeds\n\n"
      + "A − B per seed (the same seeds), mean and 95 % paired t interval (mean ± t₀.₉₇₅,ₙ₋₁ · s/√n).\n\n"
      + "| Claim | A − B | Metric | Mean | Std | Interval | Verdict |\n| --- | --- | --- | ---: | ---: | --- | --- |\n"
    let orderings = EGEANOrderings(result: result, ablationEstimator: ablationEstimator)
    let all = orderings.comparisons()
    for (claim, c) in all {
      let d = c.difference
      text += "| \(claim) | \(c.a) − \(c.b) | \(c.metric) | \(d.map { ReportMarkdown.fixed($0.mean, 4) } ?? "—") | "
        + "\(d.map { ReportMarkdown.fixed($0.std, 4) } ?? "—") | \(d.map(EGEANOrderings.interval) ?? "—") | \(EGEANOrderings.verdict(claim, c)) |\n"
    }
    text += "\n## Closing note\n\n" + orderings.closingNote(all) + "\n"
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
}
