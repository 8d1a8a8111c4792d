// Mean ± sample standard deviation of each model's metrics over several seeds,
// kept in the order the experiment first produced models and metrics.
import CVRMetrics

/// One metric of one model summarised over seeds.
public struct MetricSummary: Equatable, Sendable {
  /// Arithmetic mean of `values`: (1/n) Σ vᵢ.
  public var mean: Double
  /// Sample standard deviation sqrt(Σ (vᵢ − mean)² / (n − 1)) — the "± std"
  /// papers report over repeated runs. With a single seed there is no spread to
  /// estimate, so it is 0 rather than NaN (the report then shows "± 0.0000").
  public var std: Double
  /// The value of each seed, in the order of `seeds`.
  public var values: [Double]
  /// The seeds that produced `values`, same length.
  public var seeds: [UInt64]

  /// Summarises `values` (one per seed, same order as `seeds`, n ≥ 1).
  /// Sums are in Double; the variance uses the two-pass formula, which does not
  /// cancel catastrophically when the values are close (they usually are).
  public init(values: [Double], seeds: [UInt64]) {
    precondition(!values.isEmpty && values.count == seeds.count, "one value per seed, at least one seed")
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    var squares = 0.0
    for value in values { squares += (value - mean) * (value - mean) }
    self.mean = mean
    self.std = values.count > 1 ? (squares / (n - 1)).squareRoot() : 0
    self.values = values
    self.seeds = seeds
  }

  /// A summary taken as is (e.g. read back from metrics.json), not recomputed.
  public init(mean: Double, std: Double, values: [Double], seeds: [UInt64]) {
    self.mean = mean
    self.std = std
    self.values = values
    self.seeds = seeds
  }
}

/// One model's metric summaries in production order.
public struct ModelSummary: Equatable, Sendable {
  public var name: String
  public var metrics: [Metric]

  /// One named metric's summary.
  public struct Metric: Equatable, Sendable {
    public var name: String
    public var summary: MetricSummary
    public init(name: String, summary: MetricSummary) {
      self.name = name
      self.summary = summary
    }
  }

  public init(name: String, metrics: [Metric]) {
    self.name = name
    self.metrics = metrics
  }

  /// The summary of `metric`, or nil.
  public subscript(metric: String) -> MetricSummary? { metrics.first { $0.name == metric }?.summary }
}

/// Everything a multi-seed run produced: the seeds and, per model, per metric, the summary.
public struct MultiSeedResult: Equatable, Sendable {
  /// Seeds in run order; every summary's `values` follow this order.
  public var seeds: [UInt64]
  /// Models in the order the first seed produced them (later newcomers appended).
  public var models: [ModelSummary]

  public init(seeds: [UInt64], models: [ModelSummary]) {
    self.seeds = seeds
    self.models = models
  }

  /// The summary of `model`/`metric`, or nil.
  public subscript(model: String, metric: String) -> MetricSummary? {
    models.first { $0.name == model }?[metric]
  }

  /// Every metric name across models, in first-seen order: the columns of a report table.
  public var metricNames: [String] {
    var names: [String] = []
    for model in models { for metric in model.metrics where !names.contains(metric.name) { names.append(metric.name) } }
    return names
  }
}
