// metrics.json: the machine-readable result of a multi-seed run, in the fixed
// shape {"models": {NAME: {METRIC: {"mean", "std", "values"}}}, "seeds": [..], "config": {..}}.
import CVRCore
import CVRFileIO
import CVRMetrics
import Foundation

/// The contents of metrics.json: a `MultiSeedResult` plus an optional config object.
///
/// Written by `write(to:)` with models and metrics in production order, the
/// keys of each summary in the order mean, std, values, and shortest
/// round-trip numbers, so the same result gives the same bytes. `read(from:)`
/// keeps the file's order, so write → read gives back an equal document.
/// (Decoding through `JSONDecoder` instead works too, but Foundation's reader
/// does not keep key order, so models and metrics then come back sorted by name.)
public struct MetricsDocument: Equatable, Sendable {
  public var result: MultiSeedResult
  /// Free-form run configuration (an object), or nil to omit the "config" key.
  public var config: JSONValue?

  public init(result: MultiSeedResult, config: JSONValue? = nil) {
    self.result = result
    self.config = config
  }

  /// The document as a JSON value in the fixed shape.
  public var json: JSONValue {
    let models = result.models.map { model in
      (
        model.name,
        value: JSONValue.object(JSONObject(
          model.metrics.map { metric in
            (
              metric.name,
              .object([
                "mean": .double(metric.summary.mean),
                "std": .double(metric.summary.std),
                "values": .array(metric.summary.values.map(JSONValue.double)),
              ])
            )
          }))
      )
    }
    var members: JSONObject = [
      "models": .object(JSONObject(models)),
      "seeds": .array(result.seeds.map(JSONValue.integer)),
    ]
    if let config { members["config"] = config }
    return .object(members)
  }

  /// Reads the fixed shape back; unknown top-level keys are ignored so later
  /// writers may add some. Every summary must have one value per seed.
  public init(json: JSONValue) throws {
    guard case let .array(seedValues)? = json["seeds"] else { throw MetricsDocumentError("missing \"seeds\" array") }
    let seeds = try seedValues.map { value -> UInt64 in
      guard case let .number(number) = value, let seed = number.uint64 else {
        throw MetricsDocumentError("seed is not an unsigned integer")
      }
      return seed
    }
    guard case let .object(modelMembers)? = json["models"] else { throw MetricsDocumentError("missing \"models\" object") }
    var models: [ModelSummary] = []
    for (modelName, modelValue) in modelMembers {
      guard case let .object(metricMembers) = modelValue else {
        throw MetricsDocumentError("model \(modelName) is not an object")
      }
      var metrics: [ModelSummary.Metric] = []
      for (metricName, summary) in metricMembers {
        let place = "\(modelName).\(metricName)"
        guard let mean = summary["mean"]?.doubleValue, let std = summary["std"]?.doubleValue,
          case let .array(items)? = summary["values"]
        else { throw MetricsDocumentError("\(place) needs mean, std and values") }
        let values = try items.map { item -> Double in
          guard let value = item.doubleValue else { throw MetricsDocumentError("\(place) has a non-number value") }
          return value
        }
        guard values.count == seeds.count else {
          throw MetricsDocumentError("\(place) has \(values.count) values for \(seeds.count) seeds")
        }
        metrics.append(.init(name: metricName, summary: MetricSummary(mean: mean, std: std, values: values, seeds: seeds)))
      }
      models.append(ModelSummary(name: modelName, metrics: metrics))
    }
    self.init(result: MultiSeedResult(seeds: seeds, models: models), config: json["config"])
  }

  /// The file text (UTF-8 JSON, trailing newline).
  public func rendered() -> String { json.rendered() }

  /// Writes the file atomically (temporary, fsync, rename).
  public func write(to url: URL) throws { try AtomicFile.write(Data(rendered().utf8), to: url) }

  /// Reads a file written by `write(to:)` (or any JSON of the same shape).
  public static func read(from url: URL) throws -> MetricsDocument {
    try MetricsDocument(json: JSONValue.parse(Array(try Data(contentsOf: url))))
  }

  /// Equality of the JSON content: NaN values (written as null) compare equal to
  /// each other, so a round-trip of a result holding NaN is still equal.
  public static func == (lhs: MetricsDocument, rhs: MetricsDocument) -> Bool { lhs.json == rhs.json }
}

/// metrics.json did not have the expected shape.
public struct MetricsDocumentError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = "metrics.json: \(description)" }
}

extension MetricsDocument: Codable {
  public init(from decoder: any Decoder) throws { try self.init(json: JSONValue(from: decoder)) }
  public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
