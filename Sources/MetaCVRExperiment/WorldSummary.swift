// Several world seeds × training seeds in one train-metacvr run: each world seed
// is its own run directory; this pools them into summary.md and summary.json —
// every model's AUC and log loss over all (world, training seed) pairs, and its
// paired differences against BASE and BASE-F over the same pairs.
import CVRCore
import CVRFileIO
import CVRReports
import Foundation

/// The pooled view of one named world run at several world seeds.
package struct WorldSummary {
  package struct WorldRun {
    package var worldSeed: UInt64
    /// The world seed's pooled table (every training seed).
    package var result: MultiSeedResult
    package var paired: PairedEvaluation?
    package init(worldSeed: UInt64, result: MultiSeedResult, paired: PairedEvaluation?) {
      self.worldSeed = worldSeed
      self.result = result
      self.paired = paired
    }
  }

  package let world: String
  package let runs: [WorldRun]

  package init(world: String, runs: [WorldRun]) {
    self.world = world
    self.runs = runs
  }

  package var models: [String] {
    var out: [String] = []
    for run in runs { for m in run.result.models where !out.contains(m.name) { out.append(m.name) } }
    return out
  }

  /// metric values of `model` over every (world seed, training seed), in run order.
  package func values(_ model: String, _ metric: String) -> [Double] {
    runs.flatMap { $0.result[model, metric]?.values ?? [] }
  }

  /// ΔAUC (or Δ log loss) of `model` minus `reference` over every (world seed, training seed) pair.
  package func differences(_ model: String, _ reference: String, logLoss: Bool = false) -> [Double] {
    runs.flatMap { run in
      run.paired?.comparisons.first { $0.model == model && $0.reference == reference }?.seeds
        .map { logLoss ? $0.logLoss : $0.auc } ?? []
    }
  }

  /// How many (world, seed) pairs' paired bootstrap interval of ΔAUC lies above / below zero.
  package func separated(_ model: String, _ reference: String) -> (above: Int, below: Int, pairs: Int) {
    let seeds = runs.flatMap { run in
      run.paired?.comparisons.first { $0.model == model && $0.reference == reference }?.seeds ?? []
    }
    return (seeds.filter { ($0.aucInterval?.lower ?? -1) > 0 }.count,
            seeds.filter { ($0.aucInterval?.upper ?? 1) < 0 }.count, seeds.count)
  }

  /// summary.json and summary.md in `directory`, each written atomically.
  package func write(to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try AtomicFile.write(Data(json.rendered().utf8), to: directory.appendingPathComponent("summary.json"))
    try AtomicFile.write(Data(markdown.utf8), to: directory.appendingPathComponent("summary.md"))
  }

  package var json: JSONValue {
    func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .double($0) : .null } ?? .null }
    func summary(_ v: [Double]) -> JSONValue {
      let d = PairedDifference(v, minus: v.map { _ in 0 })
      return .object(["mean": number(d?.mean), "std": number(d?.std), "lower": number(d?.lower),
                      "upper": number(d?.upper), "values": .array(v.map { number($0) })])
    }
    let models = self.models
    return .object([
      "world": .string(world),
      "world_seeds": .array(runs.map { .integer($0.worldSeed) }),
      "training_seeds": .array((runs.first?.result.seeds ?? []).map { .integer($0) }),
      "models": .object(JSONObject(models.map { m in
        (m, .object(["auc": summary(values(m, "auc")), "logloss": summary(values(m, "logloss"))]))
      })),
      "paired": .array(PairedEvaluation.references.filter(models.contains).flatMap { reference in
        models.filter { $0 != reference }.map { m -> JSONValue in
          let s = separated(m, reference)
          return .object([
            "model": .string(m), "reference": .string(reference),
            "auc_diff": summary(differences(m, reference)),
            "logloss_diff": summary(differences(m, reference, logLoss: true)),
            "pairs_above_zero": .integer(s.above), "pairs_below_zero": .integer(s.below), "pairs": .integer(s.pairs),
          ])
        }
      }),
    ])
  }

  package var markdown: String {
    let f = { (x: Double?, d: Int) in x.map { $0.isFinite ? ReportMarkdown.fixed($0, d) : "—" } ?? "—" }
    let seeds = runs.first?.result.seeds ?? []
    var text = "# train-metacvr: world \(world), \(runs.count) world seeds × \(seeds.count) training seeds\n\n"
    text += "World seeds \(runs.map { String($0.worldSeed) }.joined(separator: ", ")); training seeds "
      + "\(seeds.map(String.init).joined(separator: ", ")). Each world seed's full report is in world-seed-S/report.md.\n\n"
    text += "## Models over every (world seed, training seed)\n\n| Model | AUC mean ± std | Log loss mean ± std |\n"
      + "| --- | ---: | ---: |\n"
    for m in models {
      let a = PairedDifference(values(m, "auc"), minus: values(m, "auc").map { _ in 0 })
      let l = PairedDifference(values(m, "logloss"), minus: values(m, "logloss").map { _ in 0 })
      text += "| \(m) | \(f(a?.mean, 4)) ± \(f(a?.std, 4)) | \(f(l?.mean, 4)) ± \(f(l?.std, 4)) |\n"
    }
    text += "\n## Paired differences over every (world seed, training seed)\n\n"
      + "Mean of the per-pair differences (model minus reference, same D_v rows) with the t interval over pairs; "
      + "then in how many pairs the paired bootstrap 95 % interval of ΔAUC lies above / below zero.\n\n"
      + "| Model | vs | ΔAUC [95 %] | Δ log loss [95 %] | Pairs above / below / all |\n| --- | --- | ---: | ---: | ---: |\n"
    for reference in PairedEvaluation.references where models.contains(reference) {
      for m in models where m != reference {
        let d = PairedDifference(differences(m, reference), minus: differences(m, reference).map { _ in 0 })
        let l = PairedDifference(differences(m, reference, logLoss: true),
                                 minus: differences(m, reference, logLoss: true).map { _ in 0 })
        let cell = { (p: PairedDifference?) in
          guard let p else { return "—" }
          return p.lower.map { "\(f(p.mean, 4)) [\(f($0, 4)), \(f(p.upper, 4))]" } ?? f(p.mean, 4)
        }
        let s = separated(m, reference)
        text += "| \(m) | \(reference) | \(cell(d)) | \(cell(l)) | \(s.above) / \(s.below) / \(s.pairs) |\n"
      }
    }
    return text
  }
}
