// The files of an experiment: metrics.json (fixed shape plus run details, no
// wall-clock figure, so identical runs give identical bytes), timings.json
// (seconds and samples/s), report.md (table, RelaImpr, timings, command,
// config), the SVG plots and the resolved config.yaml; each written
// atomically. Also the stdout table.
import CVRCore
import CVRData
import CVRFileIO
import CVRMetrics
import CVRModels
import CVRReports
import CVRTraining
import Foundation

package struct ExperimentReport {
  package let outcome: ExperimentOutcome
  package let config: ExperimentConfig
  package let data: ExperimentData
  /// The command line that produced the run (report.md shows it).
  package let command: String
  /// Per-occasion metrics and paired differences (nil when no D_v scores were kept: the entire-space protocol).
  package let paired: PairedEvaluation?

  package init(outcome: ExperimentOutcome, config: ExperimentConfig, data: ExperimentData, command: String) {
    self.outcome = outcome
    self.config = config
    self.data = data
    self.command = command
    let codes = data.store.occasions.map { column in data.validRows.map { column[Int($0)] } }
    paired = outcome.scores.isEmpty ? nil : PairedEvaluation(
      scores: outcome.scores, labels: data.validLabels, occasionCodes: codes, occasionNames: data.store.occasionNames)
  }

  /// Writes the plots, metrics.json, timings.json, config.yaml and report.md (last) into `directory`.
  @discardableResult
  package func write(to directory: URL) throws -> [URL] {
    try write(to: directory, plots: plots(), markdown: markdown(plots:))
  }

  /// The same files with another protocol's plots and report.md (train-egean's):
  /// metrics.json, timings.json and config.yaml are written by this one writer.
  @discardableResult
  package func write(to directory: URL, plots: [ReportPlot], markdown: ([ReportPlot]) throws -> String) throws -> [URL] {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var written: [URL] = []
    for plot in plots {
      let url = directory.appendingPathComponent(plot.fileName)
      try AtomicFile.write(Data(plot.svg.utf8), to: url)
      written.append(url)
    }
    let metrics = directory.appendingPathComponent("metrics.json")
    try AtomicFile.write(Data(try metricsJSON().rendered().utf8), to: metrics)
    let timings = directory.appendingPathComponent("timings.json")
    try AtomicFile.write(Data(timingsJSON().rendered().utf8), to: timings)
    let yaml = directory.appendingPathComponent("config.yaml")
    try AtomicFile.write(Data(try config.yaml().utf8), to: yaml)
    let report = directory.appendingPathComponent("report.md")
    try AtomicFile.write(Data(try markdown(plots).utf8), to: report)
    return written + [metrics, timings, yaml, report]
  }

  /// {"models": {NAME: {"auc": {"mean", "std", "values"}, "logloss": …, "gauc": …}}, "seeds": […],
  /// "config": {…}, "data": {…}, "runs": […]}. Nothing measured by a clock
  /// (those go to `timingsJSON`): the same config and seeds give the same bytes,
  /// also when the run was killed and resumed.
  package func metricsJSON() throws -> JSONValue {
    guard case .object(var members) = MetricsDocument(result: outcome.result).json else { return .null }
    // Sorted keys: the config's dictionaries (model_training) have no order of their own.
    members["config"] = try JSONValue(encoding: config)
    let ranges = try config.dayRanges()
    let source: JSONObject = config.usesSplitFiles
      ? ["train_file": .string(config.trainFile ?? "?"), "recent_file": .string(config.recentFile ?? "?"),
         "valid_file": .string(config.validFile ?? "?")]
      : config.testFile != nil
      ? ["file": config.data.map(JSONValue.string) ?? .null, "test_file": .string(config.testFile ?? "?")]
      : ["file": config.data.map(JSONValue.string) ?? .null, "train_days": .string(ranges.train.text),
         "recent_days": .string(ranges.recent.text), "valid_days": .string(ranges.valid.text)]
    members["data"] = .object(JSONObject(source.members.map { ($0.key, $0.value) } + [
      ("train_clicks", .integer(data.splits.rows(.train, space: .click).count)),
      ("recent_clicks", .integer(data.splits.rows(.recent, space: .click).count)),
      ("valid_clicks", .integer(data.validRows.count)),
    ]))
    if let paired, case .object(let extra) = paired.json {
      for (key, value) in extra.members { members[key] = value }
    }
    members["runs"] = .array(outcome.runs.map { run -> JSONValue in
      let training = run.training
      return .object([
        "model": .string(run.name), "seed": .integer(run.seed),
        "best_epoch": training.map { JSONValue.integer($0.bestEpoch) } ?? .null,
        "epochs": training.map { JSONValue.integer($0.epochsRun) } ?? .null,
        "train_loss": .array((training?.trainLoss ?? []).map(JSONValue.double)),
        "early_stopping": training.map { t in
          .object([
            "metric": .string(t.earlyStopping.metric.rawValue), "task": .string(t.earlyStopping.head.rawValue),
            "rows": run.holdoutRows.map { JSONValue.integer($0) } ?? .null,
            "history": .array(t.evaluations.map { e in
              .object(["epoch": .integer(e.epoch), "auc": e.auc.map(JSONValue.double) ?? .null,
                       "log_loss": e.logLoss.map(JSONValue.double) ?? .null])
            }),
          ])
        } ?? .null,
        "checkpoint": run.hasCheckpoint ? .string("checkpoints/" + run.checkpoint.lastPathComponent) : .null,
      ])
    })
    return .object(members)
  }

  /// timings.json: {"seconds": total, "runs": [{"model", "seed", "seconds",
  /// "samples_per_second", "reused"}]}; a model reused by `--resume` shows the
  /// seconds of the run that trained it.
  package func timingsJSON() -> JSONValue {
    .object([
      "seconds": .double(outcome.seconds),
      "runs": .array(outcome.runs.map { run in
        .object([
          "model": .string(run.name), "seed": .integer(run.seed), "seconds": .double(run.seconds),
          "samples_per_second": run.training.map { JSONValue.double($0.samplesPerSecond) } ?? .null,
          "reused": .bool(run.reused),
        ])
      }),
    ])
  }

  /// RelaImpr of each model's mean AUC over BASE's mean AUC (nil without BASE).
  package func relaImpr(_ model: String) -> Double? {
    guard let base = outcome.result["BASE", "auc"]?.mean, let auc = outcome.result[model, "auc"]?.mean,
      base.isFinite, auc.isFinite
    else { return nil }
    return RelaImpr.percent(model: auc, base: base)
  }

  /// The mean ± std table printed to stdout (fixed-width columns).
  package func table() -> String {
    let header = ["Model", "AUC", "Log loss", "GAUC", "RelaImpr"]
    var rows: [[String]] = [header]
    for model in outcome.result.models {
      let cell = { (metric: String) in
        model[metric].map { "\(ReportMarkdown.fixed($0.mean, 4)) ± \(ReportMarkdown.fixed($0.std, 4))" } ?? "—"
      }
      let impr = relaImpr(model.name).map { ReportMarkdown.fixed($0, 2) + " %" } ?? "—"
      rows.append([model.name, cell("auc"), cell("logloss"), cell("gauc"), impr])
    }
    return Self.fixedWidth(rows)
  }

  /// Rows of cells as fixed-width columns (the first left-aligned, the others right-aligned).
  package static func fixedWidth(_ rows: [[String]]) -> String {
    let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
    return rows.map { row in
      row.enumerated().map { c, text in
        let pad = String(repeating: " ", count: widths[c] - text.count)
        return c == 0 ? text + pad : pad + text
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }

  /// ROC and calibration of every model on the first seed, loss curves, prototype heatmaps.
  package func plots() -> [ReportPlot] {
    let labels = data.validLabels
    let seed = config.seeds[0]
    var plots: [ReportPlot] = []
    let roc = outcome.firstSeedScores.map { name, scores -> PlotSeries in
      let points = ROCCurve.points(scores: scores.map(Double.init), labels: labels)
      return PlotSeries(name: name, x: points.fpr, y: points.tpr)
    }
    let rows = "D_v, \(labels.count) clicks"
    plots.append(ReportPlot(fileName: "roc.svg", caption: "ROC on \(rows), seed \(seed)",
                            svg: PlotROC.svg(roc, title: "ROC on \(rows) (seed \(seed))")))
    let calibration = outcome.firstSeedScores.map { name, scores -> PlotCalibrationCurve in
      let bins = CalibrationBins.equalCount(probabilities: scores.map(Double.init), labels: labels, count: 10).bins
      return PlotCalibrationCurve(name: name, predicted: bins.compactMap(\.meanPrediction),
                                  observed: bins.compactMap(\.observedRate), counts: bins.map(\.count))
    }
    plots.append(ReportPlot(fileName: "calibration.svg", caption: "Calibration on \(rows), seed \(seed)",
                            svg: PlotCalibration.svg(calibration, title: "Calibration on \(rows) (seed \(seed))")))
    if let loss = Self.lossPlot(outcome.runs, seed: seed) { plots.append(loss) }
    // Stage 2 (and the other models trained on D_r) on their own axes: its loss
    // moves by far less than stage 1's and would be flat on the shared plot.
    let recent = outcome.runs.filter { $0.holdoutSplit == .recent }
    if let loss = Self.lossPlot(recent, seed: seed, holdout: "held-out clicked rows of D_r, never D_v",
                                fileName: "loss-recent.svg", title: "Models trained on D_r: loss per epoch") {
      plots.append(loss)
    }
    for (name, similarity) in outcome.prototypes {
      plots.append(Self.prototypeHeatmap(similarity.cosine, labels: similarity.labels, model: name))
    }
    return plots
  }

  /// Every network's training loss (solid) and early-stopping holdout log loss (dashed) per epoch, for `seed`.
  package static func lossPlot(_ runs: [ModelRun], seed: UInt64,
                               holdout: String = "held-out clicked rows of the model's training split, never D_v",
                               fileName: String = "loss.svg", title: String = "Loss per epoch")
    -> ReportPlot?
  {
    var losses: [PlotSeries] = []
    for (index, run) in runs.filter({ $0.seed == seed && $0.training != nil }).enumerated() {
      let training = run.training!
      losses.append(PlotSeries(name: "\(run.name) train", x: training.trainLoss.indices.map { Double($0 + 1) },
                               y: training.trainLoss, colorIndex: index))
      let evaluated = training.evaluations.filter { $0.logLoss != nil }
      losses.append(PlotSeries(name: "\(run.name) \(Self.holdoutLabel(run))", x: evaluated.map { Double($0.epoch) },
                               y: evaluated.map { $0.logLoss! }, dashed: true, colorIndex: index))
    }
    guard !losses.isEmpty else { return nil }
    return ReportPlot(fileName: fileName,
                      caption: "\(title): training loss (solid) and early-stopping holdout log loss (dashed: \(holdout)), seed \(seed)",
                      svg: PlotLoss.svg(losses, title: "\(title) (seed \(seed))"))
  }

  /// The rows a model's dashed loss curve was computed on: "holdout of D, 812 clicks".
  package static func holdoutLabel(_ run: ModelRun) -> String {
    let split = run.holdoutSplit.map { $0 == .recent ? "D_r" : $0 == .valid ? "D_v" : "D" } ?? "D"
    let unit = run.holdoutOnExposures == true ? "exposures"
      : run.training.map { $0.earlyStopping.head == .cvr ? "clicks" : "exposures" } ?? "clicks"
    return "holdout of \(split), \(run.holdoutRows.map(String.init) ?? "?") \(unit)"
  }

  /// The prototype similarity heatmap (MetaCVR Fig. 2): cosine[i][j] between
  /// occasion prototypes, coloured over the matrix's own range (printed in the
  /// legend): learned prototypes are often all within 0.98–1.00 of each other.
  package static func prototypeHeatmap(_ cosine: [[Double]], labels: [String], model: String) -> ReportPlot {
    let file = "prototypes-" + model.replacingOccurrences(of: "/", with: "_") + ".svg"
    return ReportPlot(
      fileName: file, caption: "\(model): cosine similarity of the occasion prototypes",
      svg: PlotHeatmap.svg(cosine, rowLabels: labels, columnLabels: labels, title: "\(model) prototype similarity",
                           legendLabel: "cosine"))
  }

  /// report.md: the shared results table and plots, then RelaImpr, timings, data, command and config.
  package func markdown(plots: [ReportPlot]) throws -> String {
    var text = ReportMarkdown.render(outcome.result, title: "train-metacvr results", decimals: 4, plots: plots)
    text += "\n## RelaImpr over BASE (mean AUC)\n\n"
    if outcome.result["BASE", "auc"] == nil {
      text += "BASE was not run.\n"
    } else {
      text += "| Model | RelaImpr |\n| --- | ---: |\n"
      for model in outcome.result.models {
        text += "| \(model.name) | \(relaImpr(model.name).map { ReportMarkdown.fixed($0, 2) + " %" } ?? "—") |\n"
      }
    }
    text += paired?.markdown ?? ""
    text += timingsMarkdown()
    let ranges = try config.dayRanges()
    let (d, dr, dv) = config.usesSplitFiles
      ? ("`\(config.splitSource(.train))`", "`\(config.splitSource(.recent))`", "`\(config.splitSource(.valid))`")
      : ("days \(ranges.train.text)", ranges.recent.text, ranges.valid.text)
    text += "\n## Data\n\n" + (config.usesSplitFiles ? "Three files" : "`\(config.data ?? "?")`") + ": D = \(d) "
      + "(\(data.splits.rows(.train, space: .click).count) clicks), D_r = \(dr) "
      + "(\(data.splits.rows(.recent, space: .click).count) clicks), D_v = \(dv) "
      + "(\(data.validRows.count) clicks). Metrics are over D_v's clicked rows against the conversion label; "
      + "GAUC groups by `\(data.userColumn ?? "none")`. Early stopping watches (by default) the CVR AUC of a held-out "
      + "\(ReportMarkdown.fixed(config.holdout * 100, 0)) % of the training split's clicked rows, or of its exposures "
      + "for CTR/CTCVR stopping (never trained on; each model's criterion and history are in metrics.json); "
      + "D_v is read only by the final evaluation.\n"
    text += try commandMarkdown()
    return text
  }

  /// report.md's timings section: seconds, best epoch, epochs and samples/s per model and seed, then the total.
  package func timingsMarkdown() -> String {
    var text = "\n## Timings\n\n| Model | Seed | Seconds | Best epoch | Epochs | Samples/s |\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
    for run in outcome.runs {
      let t = run.training
      text += "| \(run.name) | \(run.seed) | \(ReportMarkdown.fixed(run.seconds, 1)) | "
        + "\(t.map { "\($0.bestEpoch)" } ?? "—") | \(t.map { "\($0.epochsRun)" } ?? "—") | "
        + "\(t.map { "\(Int($0.samplesPerSecond))" } ?? "—") |\n"
    }
    return text + "\nTotal: \(ReportMarkdown.fixed(outcome.seconds, 1)) s.\n"
  }

  /// report.md's closing sections: the command line and the resolved config.
  package func commandMarkdown() throws -> String {
    "\n## Command\n\n```\n\(command)\n```\n\n## Configuration (config.yaml)\n\n```yaml\n\(try config.yaml())```\n"
  }
}
