// Multi-seed aggregation: hand-computed mean and sample std, order kept, errors propagated.
import CVRIngest
import CVRMetrics
import CVRReports
import Testing

@Suite struct MultiSeedTests {
  /// Three seeds with hand-picked values: auc 0.80, 0.82, 0.87 → mean 0.83,
  /// deviations −0.03, −0.01, 0.04 → Σd² = 0.0026, /(n−1) = 0.0013, std = 0.036055…
  @Test func meanAndSampleStdByHand() throws {
    let auc: [UInt64: Double] = [1: 0.80, 2: 0.82, 3: 0.87]
    let result = try MultiSeedRunner(count: 3).run { seed in
      ["mlp": ["auc": auc[seed]!, "logloss": Double(seed)]]
    }
    let summary = try #require(result["mlp", "auc"])
    #expect(abs(summary.mean - 0.83) < 1e-12)
    #expect(abs(summary.std - 0.0013.squareRoot()) < 1e-12)
    #expect(summary.values == [0.80, 0.82, 0.87])
    #expect(summary.seeds == [1, 2, 3])
    // logloss 1, 2, 3: mean 2, sample std 1 (population std would be 0.816…).
    #expect(result["mlp", "logloss"]?.mean == 2)
    #expect(result["mlp", "logloss"]?.std == 1)
  }

  @Test func oneSeedHasZeroStd() throws {
    let result = try MultiSeedRunner(seeds: [42]).run { _ in ["m": ["auc": 0.7]] }
    #expect(result["m", "auc"] == MetricSummary(mean: 0.7, std: 0, values: [0.7], seeds: [42]))
  }

  @Test func seedsAreCalledInOrder() throws {
    var called: [UInt64] = []
    _ = try MultiSeedRunner(seeds: [7, 3, 11]).run { seed in
      called.append(seed)
      return ["m": ["x": 1]]
    }
    #expect(called == [7, 3, 11])
  }

  /// Names chosen so that sorted order and production order differ.
  @Test func orderOfModelsAndMetricsIsAsProduced() throws {
    let result = try MultiSeedRunner(count: 3).run { seed in
      var metrics = SeedMetrics()
      for model in ["zeta", "alpha", "mid"] {
        for metric in ["logloss", "auc", "gauc"] { metrics.set(model: model, metric: metric, value: Double(seed)) }
      }
      return metrics
    }
    #expect(result.models.map(\.name) == ["zeta", "alpha", "mid"])
    #expect(result.models.allSatisfy { $0.metrics.map(\.name) == ["logloss", "auc", "gauc"] })
    #expect(result.metricNames == ["logloss", "auc", "gauc"])
  }

  @Test func literalKeepsWrittenOrder() {
    let metrics: SeedMetrics = ["zeta": ["b": 1, "a": 2], "alpha": ["c": 3]]
    #expect(metrics.models.map(\.name) == ["zeta", "alpha"])
    #expect(metrics.models[0].metrics.entries.map(\.name) == ["b", "a"])
  }

  @Test func dictionaryInputIsSortedForStability() {
    let metrics = SeedMetrics(["zeta": ["b": 1, "a": 2], "alpha": ["c": 3]])
    #expect(metrics.models.map(\.name) == ["alpha", "zeta"])
    #expect(metrics.models[1].metrics.entries.map(\.name) == ["a", "b"])
  }

  struct SeedFailure: Error, Equatable { let seed: UInt64 }

  @Test func failingSeedPropagatesItsErrorAndStops() {
    var called: [UInt64] = []
    #expect(throws: SeedFailure(seed: 2)) {
      try MultiSeedRunner(count: 3).run { seed in
        called.append(seed)
        if seed == 2 { throw SeedFailure(seed: seed) }
        return ["m": ["auc": 0.5]]
      }
    }
    #expect(called == [1, 2])
  }

  @Test func missingMetricInOneSeedIsAnError() {
    #expect(throws: MultiSeedError.missingMetric(model: "m", metric: "gauc", seed: 1)) {
      try MultiSeedRunner(count: 2).run { seed in
        seed == 1 ? ["m": ["auc": 0.5]] : ["m": ["auc": 0.5, "gauc": 0.6]]
      }
    }
  }
}
