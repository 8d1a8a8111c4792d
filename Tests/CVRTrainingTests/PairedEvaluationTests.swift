// PairedEvaluation and WorldSummary on made-up scores whose differences are known:
// per-occasion metrics equal the metrics of each occasion's rows, the paired
// ΔAUC per seed equals the AUC difference with an interval around it, and the
// world summary pools (world seed, training seed) pairs.
import CVRCore
import CVRMetrics
import CVRReports
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct PairedEvaluationTests {
  /// 600 rows, three occasions by row % 3; "good" ranks the labels better than "BASE".
  static func scores() -> (scores: [(name: String, seed: UInt64, scores: [Float])], labels: [Bool], codes: [Int32]) {
    var rng = SeededGenerator(seed: 8)
    let n = 600
    let labels = (0..<n).map { _ in rng.next() % 5 == 0 }
    var out: [(name: String, seed: UInt64, scores: [Float])] = []
    for seed in UInt64(1)...2 {
      for (name, signal) in [("BASE", Float(0.6)), ("good", Float(1.4))] {
        let s = labels.map { y -> Float in 1 / (1 + Float.exp(-(rng.nextNormal() + (y ? signal : 0) - 1.5))) }
        out.append((name, seed, s))
      }
    }
    return (out, labels, (0..<n).map { Int32($0 % 3) })
  }

  @Test func perOccasionAndPairedDifferencesAreTheRowsOwn() throws {
    let (scores, labels, codes) = Self.scores()
    let eval = PairedEvaluation(scores: scores, labels: labels, occasionCodes: codes, occasionNames: ["A", "B", "C"],
                                resamples: 200)
    #expect(eval.models == ["BASE", "good"] && eval.occasions == ["A", "B", "C"])
    // Occasion B of "good", seed 2: the AUC of rows 1, 4, 7, …
    let rows = labels.indices.filter { $0 % 3 == 1 }
    let s = scores[3].scores
    let expected = AUC.compute(scores: rows.map { Double(s[$0]) }, labels: rows.map { labels[$0] })!
    #expect(abs(eval.perOccasion["good"]![1].auc[1] - expected) < 1e-12)
    #expect(eval.occasionCounts[1].clicks == rows.count)
    // good − BASE per seed: the plain AUC difference, inside its bootstrap interval, and positive here.
    let c = try #require(eval.comparisons.first { $0.model == "good" && $0.reference == "BASE" })
    #expect(eval.comparisons.count == 1)  // BASE-F was not run
    for (k, seed) in c.seeds.enumerated() {
      let a = AUC.compute(scores: scores[2 * k + 1].scores.map(Double.init), labels: labels)!
      let b = AUC.compute(scores: scores[2 * k].scores.map(Double.init), labels: labels)!
      #expect(abs(seed.auc - (a - b)) < 1e-12)
      let interval = try #require(seed.aucInterval)
      #expect(interval.lower < seed.auc && seed.auc < interval.upper && interval.lower > 0)
      #expect((seed.deLong?.pValue ?? 1) < 0.01)
    }
    #expect(abs(c.aucOverSeeds!.mean - (c.seeds[0].auc + c.seeds[1].auc) / 2) < 1e-12)
    // The report sections and the JSON keys exist.
    #expect(eval.markdown.contains("## Per occasion") && eval.markdown.contains("| good | BASE |"))
    guard case .object(let json) = eval.json else { Issue.record("json is not an object"); return }
    #expect(json.members.map(\.key) == ["occasions", "per_occasion", "paired", "bootstrap_resamples"])
  }

  @Test func worldSummaryPoolsEveryWorldAndTrainingSeed() throws {
    let (scores, labels, codes) = Self.scores()
    var runs: [WorldSummary.WorldRun] = []
    for worldSeed in UInt64(1)...2 {
      // Two world seeds with the same made-up scores: four (world, training seed) pairs.
      let eval = PairedEvaluation(scores: scores, labels: labels, occasionCodes: codes, occasionNames: ["A", "B", "C"],
                                  resamples: 100)
      let perSeed = SeedMetrics.collect(scores, labels: labels)
      runs.append(.init(worldSeed: worldSeed, result: try MultiSeedRunner.aggregate(seeds: [1, 2], perSeed: perSeed),
                        paired: eval))
    }
    let summary = WorldSummary(world: "test", runs: runs)
    #expect(summary.models == ["BASE", "good"])
    #expect(summary.values("good", "auc").count == 4)
    let d = summary.differences("good", "BASE")
    #expect(d.count == 4 && d.allSatisfy { $0 > 0 })
    let separated = summary.separated("good", "BASE")
    #expect(separated.above == 4 && separated.below == 0 && separated.pairs == 4)
    #expect(summary.markdown.contains("| good | BASE |"))
  }
}

extension SeedMetrics {
  /// Per seed, each model's "auc" and "logloss" over all rows.
  static func collect(_ scores: [(name: String, seed: UInt64, scores: [Float])], labels: [Bool]) -> [SeedMetrics] {
    [UInt64(1), 2].map { seed in
      var m = SeedMetrics()
      for s in scores where s.seed == seed {
        let p = s.scores.map(Double.init)
        m.set(model: s.name, metric: "auc", value: AUC.compute(scores: p, labels: labels)!)
        m.set(model: s.name, metric: "logloss", value: LogLoss.fromProbabilities(p, labels: labels)!)
      }
      return m
    }
  }
}
