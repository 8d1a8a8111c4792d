// Runs one experiment over k seeds and aggregates model → metric → mean ± std.
import CVRMetrics

/// Runs an experiment once per seed and summarises each model's metrics.
///
/// Seeds run one after another: the experiment itself uses the cores (BLAS and
/// `Threads`), and sequential runs keep each seed's result independent of the others.
public struct MultiSeedRunner: Sendable {
  /// The seeds, in run order.
  public let seeds: [UInt64]

  /// Runs with exactly these seeds (non-empty, distinct).
  public init(seeds: [UInt64]) {
    precondition(!seeds.isEmpty, "at least one seed")
    precondition(Set(seeds).count == seeds.count, "seeds must be distinct")
    self.seeds = seeds
  }

  /// Runs with `count` consecutive seeds `firstSeed, firstSeed + 1, …`.
  public init(count: Int, firstSeed: UInt64 = 1) {
    precondition(count >= 1, "at least one seed")
    self.init(seeds: (0..<UInt64(count)).map { firstSeed &+ $0 })
  }

  /// Calls `experiment` for each seed in order and aggregates the results.
  ///
  /// An error thrown by any seed stops the run and propagates unchanged (the
  /// later seeds do not run). Every seed must report the same model/metric
  /// pairs; otherwise `MultiSeedError.missingMetric` names the first gap.
  public func run(_ experiment: (_ seed: UInt64) throws -> SeedMetrics) throws -> MultiSeedResult {
    var perSeed: [SeedMetrics] = []
    perSeed.reserveCapacity(seeds.count)
    for seed in seeds { perSeed.append(try experiment(seed)) }
    return try Self.aggregate(seeds: seeds, perSeed: perSeed)
  }

  /// Summarises results produced elsewhere (`perSeed[i]` came from `seeds[i]`).
  /// Models and metrics keep their first-seen order: seed order, then insertion order.
  public static func aggregate(seeds: [UInt64], perSeed: [SeedMetrics]) throws -> MultiSeedResult {
    precondition(seeds.count == perSeed.count && !seeds.isEmpty, "one result per seed")
    var order: [(model: String, metrics: [String])] = []
    for result in perSeed {
      for model in result.models {
        let index: Int
        if let found = order.firstIndex(where: { $0.model == model.name }) {
          index = found
        } else {
          order.append((model.name, []))
          index = order.count - 1
        }
        for entry in model.metrics.entries where !order[index].metrics.contains(entry.name) {
          order[index].metrics.append(entry.name)
        }
      }
    }
    var models: [ModelSummary] = []
    for (model, metricNames) in order {
      var metrics: [ModelSummary.Metric] = []
      for metric in metricNames {
        var values: [Double] = []
        for (seed, result) in zip(seeds, perSeed) {
          guard let value = result.value(model: model, metric: metric) else {
            throw MultiSeedError.missingMetric(model: model, metric: metric, seed: seed)
          }
          values.append(value)
        }
        metrics.append(ModelSummary.Metric(name: metric, summary: MetricSummary(values: values, seeds: seeds)))
      }
      models.append(ModelSummary(name: model, metrics: metrics))
    }
    return MultiSeedResult(seeds: seeds, models: models)
  }
}

/// Why seeds could not be aggregated.
public enum MultiSeedError: Error, Equatable, CustomStringConvertible {
  /// `seed` did not report `metric` for `model`, which another seed did.
  case missingMetric(model: String, metric: String, seed: UInt64)

  public var description: String {
    switch self {
    case let .missingMetric(model, metric, seed):
      "seed \(seed) reported no \(metric) for \(model), which another seed reported"
    }
  }
}
