// What one seed of an experiment reports: model → metric → value, in the order
// the experiment produced them (a Dictionary would lose it and reports would shuffle).
import CVRMetrics

/// One model's metrics from one seed, in insertion order.
///
/// A dictionary literal keeps its written order: `["auc": 0.84, "logloss": 0.41]`.
/// Setting a metric that is already present replaces its value in place.
public struct SeedModelMetrics: ExpressibleByDictionaryLiteral, Equatable, Sendable {
  /// `(metric, value)` pairs in insertion order, names unique.
  public private(set) var entries: [Entry] = []

  /// One metric's value.
  public struct Entry: Equatable, Sendable {
    public var name: String
    public var value: Double
  }

  public init() {}

  public init(dictionaryLiteral elements: (String, Double)...) {
    for (name, value) in elements { self[name] = value }
  }

  /// The value of `metric`, or nil; setting appends a new metric or replaces an existing one.
  public subscript(metric: String) -> Double? {
    get { entries.first { $0.name == metric }?.value }
    set {
      if let index = entries.firstIndex(where: { $0.name == metric }) {
        if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
      } else if let newValue {
        entries.append(Entry(name: metric, value: newValue))
      }
    }
  }
}

/// Every model's metrics from one seed, models in insertion order.
///
/// Built from a literal (`["mlp": ["auc": 0.84], "esmm": ["auc": 0.85]]` keeps
/// mlp before esmm) or step by step with `set(model:metric:value:)`.
public struct SeedMetrics: ExpressibleByDictionaryLiteral, Equatable, Sendable {
  /// `(model, metrics)` pairs in insertion order, names unique.
  public private(set) var models: [Model] = []

  /// One model's metrics.
  public struct Model: Equatable, Sendable {
    public var name: String
    public var metrics: SeedModelMetrics
  }

  public init() {}

  public init(dictionaryLiteral elements: (String, SeedModelMetrics)...) {
    for (name, metrics) in elements {
      for entry in metrics.entries { set(model: name, metric: entry.name, value: entry.value) }
      if !models.contains(where: { $0.name == name }) { models.append(Model(name: name, metrics: metrics)) }
    }
  }

  /// A Dictionary has no order of its own, so models and metrics are taken in
  /// ascending name order: stable across runs, unlike Dictionary iteration.
  public init(_ dictionary: [String: [String: Double]]) {
    for model in dictionary.keys.sorted() {
      let metrics = dictionary[model]!
      for metric in metrics.keys.sorted() { set(model: model, metric: metric, value: metrics[metric]!) }
    }
  }

  /// Records `value` for `model`/`metric`, appending new names at the end.
  public mutating func set(model: String, metric: String, value: Double) {
    if let index = models.firstIndex(where: { $0.name == model }) {
      models[index].metrics[metric] = value
    } else {
      var metrics = SeedModelMetrics()
      metrics[metric] = value
      models.append(Model(name: model, metrics: metrics))
    }
  }

  /// The value of `model`/`metric`, or nil when that seed did not report it.
  public func value(model: String, metric: String) -> Double? {
    models.first { $0.name == model }?.metrics[metric]
  }
}
