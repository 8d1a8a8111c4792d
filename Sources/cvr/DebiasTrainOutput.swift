// The files of `cvr debias train`: metrics.json (MetricsDocument's shape),
// report.md (the table, the per-seed values, the users left out) and config.yaml,
// each written with AtomicFile; same seeds, same bytes.
import CVRCore
import CVRFileIO
import CVRMetrics
import CVRRatings
import CVRReports
import Foundation

struct DebiasTrainOutput {
  struct Run {
    var estimator: DebiasRatingsEstimator
    var seed: UInt64
    var result: DebiasRunResult
  }

  static let k = RankingMetrics.defaultK
  let result: MultiSeedResult
  let config: JSONValue
  let yaml: String
  let notes: String

  init(config c: DebiasTrainConfig, settings s: DebiasTrainSettings, seeds: [UInt64], estimators: [DebiasRatingsEstimator],
       test: RatingsRows, data: RatingsDataset, runs: [Run]) {
    let positives = test.labels(s.threshold).map { $0 > 0.5 }
    let users = test.users.map(Int.init)
    var perSeed: [String: [String: [Double]]] = [:]
    var leftOut = 0, evaluated = 0
    var stops: [String] = []
    for run in runs {
      let scores = run.result.testScores
      let ndcg = RankingMetrics.ndcg(users: users, scores: scores, labels: positives, k: Self.k)
      let recall = RankingMetrics.recall(users: users, scores: scores, labels: positives, k: Self.k)
      leftOut = ndcg.usersLeftOut
      evaluated = ndcg.usersEvaluated
      let values: [(String, Double)] = [
        ("AUC", AUC.compute(scores: scores, labels: positives) ?? .nan),
        ("NDCG@\(Self.k)", ndcg.mean ?? .nan), ("Recall@\(Self.k)", recall.mean ?? .nan),
        ("MSE", RankingMetrics.mse(scores: scores, labels: positives) ?? .nan),
      ]
      for (name, v) in values { perSeed[run.estimator.name(s), default: [:]][name, default: []].append(v) }
      let residual = run.result.stabilisationResidual.map { ReportMarkdown.fixed($0, 5) } ?? "—"
      stops.append("| \(run.estimator.name(s)) | \(run.seed) | \(run.result.bestEpoch) | \(run.result.epochsRun) | \(residual) |")
    }
    let metricNames = ["AUC", "NDCG@\(Self.k)", "Recall@\(Self.k)", "MSE"]
    result = MultiSeedResult(seeds: seeds, models: estimators.map { e in
      ModelSummary(name: e.name(s), metrics: metricNames.map {
        .init(name: $0, summary: MetricSummary(values: perSeed[e.name(s)]![$0]!, seeds: seeds))
      })
    })
    let cycle = estimators.contains(.stabledr) && s.stableCycle
    let settingsObject: JSONObject = [
      "train": .string(c.train ?? ""), "test": .string(c.test ?? ""), "format": .string(c.format ?? ""),
      "positive_threshold": .double(Double(s.threshold.minimum)),
      "estimators": .array(estimators.map { .string($0.rawValue) }), "propensity": .string(c.propensity),
      "mcar": c.mcar.map(JSONValue.string) ?? .null, "clip_floor": .double(s.clip.floor), "clip_ceiling": .double(s.clip.ceiling),
      "epochs": .integer(UInt64(s.epochs)), "dim": .integer(UInt64(s.dim)), "learning_rate": .double(Double(s.learningRate)),
      "weight_decay": .double(Double(s.weightDecay)), "batch_size": .integer(UInt64(s.batchSize)),
      "patience": .integer(UInt64(s.patience)), "validation_share": .double(s.validationShare),
      "pvdr_lambda": .string(s.pvdrLambda.description), "stabledr_penalty": .double(Double(s.stablePenalty)),
      "stabledr_propensity_penalty": .double(Double(s.stablePropensityPenalty)),
      "stabledr_propensity_step": .string(cycle ? "cycle" : "skipped"),
      "user_features": c.userFeatures.map(JSONValue.string) ?? .null,
      "item_features": c.itemFeatures.map(JSONValue.string) ?? .null,
      "feature_hidden": .array(s.featureHidden.map { .integer(UInt64($0)) }),
      "k": .integer(UInt64(Self.k)), "test_users_evaluated": .integer(UInt64(evaluated)),
      "test_users_left_out": .integer(UInt64(leftOut)),
    ]
    config = .object(settingsObject)
    // config.yaml: the effective settings (read back by --config), then what no flag sets, as comments.
    var y = c.yaml
    y += "# fixed: learning_rate \(s.learningRate), weight_decay \(s.weightDecay), batch_size \(s.batchSize), "
      + "patience \(s.patience), validation_share \(s.validationShare), clip_ceiling \(s.clip.ceiling), "
      + "feature_hidden \(s.featureHidden), k \(Self.k)\n"
    y += "# StableDR propensity step: \(cycle ? "cycle (the logistic propensity is updated with the constraint)" : "skipped")\n"
    y += "# test users: \(evaluated) evaluated, \(leftOut) without a positive left out of NDCG/Recall\n"
    yaml = y
    let cycleNote = !estimators.contains(.stabledr) ? "" : cycle
      ? "StableDR ran its cycle: per batch, the imputation step, the propensity step (the logistic MF's BCE plus η_p times the squared constraint) and the prediction step."
      : "StableDR: the propensity step is skipped (--propensity \(c.propensity) gives p̂, which is not learned); the imputation and prediction steps alternate."
    notes = """

      Test split: \(test.count) ratings; NDCG@\(Self.k) and Recall@\(Self.k) over the \(evaluated) users with a positive
      (rating ≥ \(ReportMarkdown.fixed(Double(s.threshold.minimum), 1))); \(leftOut) users without a positive left out.

      \(cycleNote)

      ## Early stopping

      The stabilisation residual is (1/|D|) Σ o (e − ê)/p̂ over the training ratings at the best epoch
      (D the users × items grid, p̂ clipped; estimators with an imputation model only).

      | estimator | seed | best epoch | epochs run | stabilisation residual |
      |---|---:|---:|---:|---:|
      \(stops.joined(separator: "\n"))

      """
  }

  /// metrics.json, config.yaml, then report.md.
  func write(to directory: URL) throws {
    try MetricsDocument(result: result, config: config).write(to: directory.appendingPathComponent("metrics.json"))
    try AtomicFile.write(Data(yaml.utf8), to: directory.appendingPathComponent("config.yaml"))
    let report = ReportMarkdown.render(result, title: "cvr debias train") + notes
    try AtomicFile.write(Data(report.utf8), to: directory.appendingPathComponent("report.md"))
  }

  /// The summary table printed to stdout (mean ± std over seeds) and the users left out.
  var table: String {
    let names = result.metricNames
    let width = max(10, result.models.map(\.name.count).max() ?? 0)
    var lines = ["estimator".padding(toLength: width + 1, withPad: " ", startingAt: 0)
      + names.map { $0.padding(toLength: 17, withPad: " ", startingAt: 0) }.joined(separator: " ")]
    for model in result.models {
      let cells = names.map { n in
        model[n].map { "\(ReportMarkdown.fixed($0.mean, 4)) ± \(ReportMarkdown.fixed($0.std, 4))" } ?? "—"
      }
      lines.append(model.name.padding(toLength: width, withPad: " ", startingAt: 0) + " " + cells.joined(separator: "  "))
    }
    let left = config["test_users_left_out"]?.doubleValue.map { Int($0) } ?? 0
    lines.append("(\(left) test users without a positive left out of NDCG/Recall; seeds \(result.seeds.map(String.init).joined(separator: ",")))")
    return lines.joined(separator: "\n") + "\n"
  }
}
