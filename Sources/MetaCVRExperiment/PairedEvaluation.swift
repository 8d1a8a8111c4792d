// What a clicked-CVR run adds beside the pooled table (issue 15, point 6): per
// occasion of D_v the AUC, log loss and calibration of every model, and every
// model's paired difference against BASE and BASE-F, seed by seed with a paired
// bootstrap interval and DeLong's test, and over the seeds with a t interval.
import CVRCore
import CVRMetrics
import CVRReports
import Foundation

/// Per-occasion metrics and paired differences of one run's D_v scores.
///
/// Paired by sample: the two models are scored on the same D_v rows and every
/// bootstrap resample draws the rows once for both (`Bootstrap.aucDifference`,
/// seeded by the training seed), so the interval reflects the difference's own
/// noise, far smaller than either AUC's. DeLong (1988) gives the same for AUC in
/// closed form (`DeLong.difference`). Over seeds, `PairedDifference`'s t interval.
package struct PairedEvaluation {
  /// The models every other one is compared with, when they were run.
  package static let references = ["BASE", "BASE-F"]
  /// Bootstrap resamples per interval.
  package static let resamples = 1000

  /// One model on one occasion's D_v clicked rows, one value per seed.
  package struct OccasionMetrics {
    package var auc: [Double] = [], logLoss: [Double] = [], pcoc: [Double] = [], ece: [Double] = []
  }

  /// One model against one reference on one seed.
  package struct SeedDifference {
    package var seed: UInt64
    package var auc: Double
    package var aucInterval: BootstrapInterval?
    package var deLong: DeLong.Difference?
    package var logLoss: Double
    package var logLossInterval: BootstrapInterval?
  }

  package struct Comparison {
    package var model: String, reference: String
    package var seeds: [SeedDifference]
    /// Over seeds: ΔAUC and Δlog loss with t intervals (nil bounds with one seed).
    package var aucOverSeeds: PairedDifference?
    package var logLossOverSeeds: PairedDifference?
  }

  package let models: [String]
  package let occasions: [String]
  /// Clicked rows and purchases of each occasion in D_v.
  package let occasionCounts: [(clicks: Int, purchases: Int)]
  /// [model][occasion].
  package let perOccasion: [String: [OccasionMetrics]]
  package let comparisons: [Comparison]

  /// From every seed's D_v scores (`ExperimentOutcome.scores`), with `labels` and
  /// the occasion code of each D_v row (nil: the data has no occasions).
  package init(scores: [(name: String, seed: UInt64, scores: [Float])], labels: [Bool], occasionCodes: [Int32]?,
               occasionNames: [String], resamples: Int = PairedEvaluation.resamples) {
    var models: [String] = []
    for s in scores where !models.contains(s.name) { models.append(s.name) }
    self.models = models
    let codes = occasionCodes ?? []
    occasions = occasionCodes == nil ? [] : occasionNames
    var groups = [[Int]](repeating: [], count: occasions.count)
    for (row, code) in codes.enumerated() where code >= 0 && Int(code) < occasions.count { groups[Int(code)].append(row) }
    occasionCounts = groups.map { rows in (rows.count, rows.filter { labels[$0] }.count) }

    var perOccasion: [String: [OccasionMetrics]] = [:]
    for s in scores {
      var metrics = perOccasion[s.name] ?? Array(repeating: OccasionMetrics(), count: occasions.count)
      for (o, rows) in groups.enumerated() {
        let p = rows.map { Double(s.scores[$0]) }, y = rows.map { labels[$0] }
        metrics[o].auc.append(AUC.compute(scores: p, labels: y) ?? .nan)
        metrics[o].logLoss.append(LogLoss.fromProbabilities(p, labels: y) ?? .nan)
        metrics[o].pcoc.append(PCOC.compute(probabilities: p, labels: y) ?? .nan)
        metrics[o].ece.append(CalibrationBins.equalCount(probabilities: p, labels: y, count: 10).expectedCalibrationError ?? .nan)
      }
      perOccasion[s.name] = metrics
    }
    self.perOccasion = perOccasion

    var comparisons: [Comparison] = []
    for reference in Self.references where models.contains(reference) {
      for model in models where model != reference {
        var seeds: [SeedDifference] = []
        for b in scores where b.name == reference {
          guard let a = scores.first(where: { $0.name == model && $0.seed == b.seed }) else { continue }
          let pa = a.scores.map(Double.init), pb = b.scores.map(Double.init)
          let deLong = DeLong.difference(scoresA: pa, scoresB: pb, labels: labels)
          let aucInterval = Bootstrap.aucDifference(scoresA: pa, scoresB: pb, labels: labels, resamples: resamples,
                                                    seed: b.seed)
          let logLossInterval = labels.isEmpty ? nil : Bootstrap.difference(rows: labels.count, resamples: resamples,
                                                                           seed: b.seed) { which, w in
            Self.logLoss(which == 0 ? pa : pb, labels: labels, weights: w)
          }
          seeds.append(SeedDifference(
            seed: b.seed, auc: deLong?.difference ?? .nan, aucInterval: aucInterval, deLong: deLong,
            logLoss: logLossInterval?.estimate ?? .nan, logLossInterval: logLossInterval))
        }
        guard !seeds.isEmpty else { continue }
        comparisons.append(Comparison(
          model: model, reference: reference, seeds: seeds,
          aucOverSeeds: PairedDifference(seeds.map(\.auc), minus: seeds.map { _ in 0 }),
          logLossOverSeeds: PairedDifference(seeds.map(\.logLoss), minus: seeds.map { _ in 0 })))
      }
    }
    self.comparisons = comparisons
  }

  /// Weighted log loss (multiplicities as weights), clipped as `LogLoss.fromProbabilities`.
  static func logLoss(_ p: [Double], labels: [Bool], weights: UnsafeBufferPointer<Double>?) -> Double? {
    var sum = 0.0, total = 0.0
    for i in 0..<labels.count {
      let w = weights?[i] ?? 1
      guard w != 0 else { continue }
      let q = min(max(p[i], LogLoss.clip), 1 - LogLoss.clip)
      sum -= w * (labels[i] ? log(q) : log(1 - q))
      total += w
    }
    return total > 0 ? sum / total : nil
  }

  // MARK: metrics.json

  /// {"occasions": [{"name", "clicks", "purchases"}], "per_occasion": {MODEL: {OCCASION: {"auc": {mean, std,
  /// values}, "logloss", "pcoc", "ece"}}}, "paired": [{"model", "reference", "auc_diff": {mean, lower, upper,
  /// values}, "logloss_diff": …, "seeds": [{seed, auc_diff, auc_lower, auc_upper, delong_se, delong_p,
  /// logloss_diff, logloss_lower, logloss_upper}]}]}
  package var json: JSONValue {
    func summary(_ values: [Double]) -> JSONValue {
      let finite = values.filter(\.isFinite)
      let mean = finite.isEmpty ? Double.nan : finite.reduce(0, +) / Double(finite.count)
      let std = finite.count > 1
        ? (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)).squareRoot() : 0
      return .object(["mean": number(mean), "std": number(std), "values": .array(values.map(number))])
    }
    func over(_ d: PairedDifference?, _ values: [Double]) -> JSONValue {
      .object(["mean": number(d?.mean ?? .nan), "lower": d?.lower.map(number) ?? .null,
               "upper": d?.upper.map(number) ?? .null, "values": .array(values.map(number))])
    }
    let occasionList = JSONValue.array(occasions.enumerated().map { o, name in
      .object(["name": .string(name), "clicks": .integer(occasionCounts[o].clicks),
               "purchases": .integer(occasionCounts[o].purchases)])
    })
    let per = JSONObject(models.map { model -> (String, JSONValue) in
      let metrics = perOccasion[model] ?? []
      return (model, .object(JSONObject(occasions.enumerated().map { o, name in
        (name, .object(["auc": summary(metrics[o].auc), "logloss": summary(metrics[o].logLoss),
                        "pcoc": summary(metrics[o].pcoc), "ece": summary(metrics[o].ece)]))
      })))
    })
    let paired = JSONValue.array(comparisons.map { c in
      .object([
        "model": .string(c.model), "reference": .string(c.reference),
        "auc_diff": over(c.aucOverSeeds, c.seeds.map(\.auc)),
        "logloss_diff": over(c.logLossOverSeeds, c.seeds.map(\.logLoss)),
        "seeds": .array(c.seeds.map { s in
          .object([
            "seed": .integer(s.seed), "auc_diff": number(s.auc),
            "auc_lower": s.aucInterval.map { number($0.lower) } ?? .null,
            "auc_upper": s.aucInterval.map { number($0.upper) } ?? .null,
            "delong_se": s.deLong.map { number($0.standardError) } ?? .null,
            "delong_p": s.deLong.map { number($0.pValue) } ?? .null,
            "logloss_diff": number(s.logLoss),
            "logloss_lower": s.logLossInterval.map { number($0.lower) } ?? .null,
            "logloss_upper": s.logLossInterval.map { number($0.upper) } ?? .null,
          ])
        }),
      ])
    })
    return .object(["occasions": occasionList, "per_occasion": .object(per), "paired": paired,
                    "bootstrap_resamples": .integer(Self.resamples)])
  }

  private func number(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .null }

  // MARK: report.md

  package var markdown: String {
    let f = { (x: Double, d: Int) in x.isFinite ? ReportMarkdown.fixed(x, d) : "—" }
    let mean = { (v: [Double]) -> Double in
      let finite = v.filter(\.isFinite)
      return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
    }
    var text = ""
    if !occasions.isEmpty {
      text += "\n## Per occasion (D_v clicked rows, mean over seeds)\n\n"
      text += occasions.enumerated().map { o, name in
        "\(name): \(occasionCounts[o].clicks) clicks, \(occasionCounts[o].purchases) purchases"
      }.joined(separator: "; ") + ". PCOC = Σ predicted / Σ observed (1 is calibrated); ECE over 10 equal-count bins.\n\n"
      let header = "| Model | " + occasions.map { "AUC \($0)" }.joined(separator: " | ") + " | "
        + occasions.map { "Log loss \($0)" }.joined(separator: " | ") + " | "
        + occasions.map { "PCOC \($0)" }.joined(separator: " | ") + " | "
        + occasions.map { "ECE \($0)" }.joined(separator: " | ") + " |\n"
      text += header + "| --- |" + String(repeating: " ---: |", count: 4 * occasions.count) + "\n"
      for model in models {
        let m = perOccasion[model] ?? []
        let cells = m.map { f(mean($0.auc), 4) } + m.map { f(mean($0.logLoss), 4) } + m.map { f(mean($0.pcoc), 3) }
          + m.map { f(mean($0.ece), 4) }
        text += "| \(model) | " + cells.joined(separator: " | ") + " |\n"
      }
    }
    guard !comparisons.isEmpty else { return text }
    text += "\n## Paired differences against BASE and BASE-F (D_v)\n\n"
    text += "Model minus reference, on the same D_v rows. Per seed: ΔAUC with its paired bootstrap 95 % interval "
      + "(\(Self.resamples) resamples drawing the rows once for both models, seeded by the training seed) and DeLong's "
      + "two-sided p; Δ log loss with its paired bootstrap interval (negative is better). Over seeds: the mean with "
      + "the paired t interval (none with one seed).\n\n"
    text += "| Model | vs | ΔAUC over seeds | Δ log loss over seeds | Per seed: ΔAUC [95 %], DeLong p; Δ log loss [95 %] |\n"
    text += "| --- | --- | ---: | ---: | --- |\n"
    let interval = { (d: PairedDifference?, decimals: Int) -> String in
      guard let d else { return "—" }
      guard let lo = d.lower, let hi = d.upper else { return f(d.mean, decimals) }
      return "\(f(d.mean, decimals)) [\(f(lo, decimals)), \(f(hi, decimals))]"
    }
    for c in comparisons {
      let perSeed = c.seeds.map { s in
        let auc = s.aucInterval.map { "[\(f($0.lower, 4)), \(f($0.upper, 4))]" } ?? ""
        let loss = s.logLossInterval.map { "[\(f($0.lower, 4)), \(f($0.upper, 4))]" } ?? ""
        return "s\(s.seed): \(f(s.auc, 4)) \(auc), p \(s.deLong.map { f($0.pValue, 3) } ?? "—"); \(f(s.logLoss, 4)) \(loss)"
      }.joined(separator: "<br>")
      text += "| \(c.model) | \(c.reference) | \(interval(c.aucOverSeeds, 4)) | \(interval(c.logLossOverSeeds, 4)) | \(perSeed) |\n"
    }
    return text
  }
}
