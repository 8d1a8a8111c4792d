// The server's Prometheus metrics, named by its conventions (base units,
// `_total` counters, `_seconds` durations, an `_info` gauge for metadata), and
// their text exposition for GET /metrics.
import Foundation
import Prometheus

/// Counters, histograms and gauges of one server.
///
/// Labels are bounded: `model` is a served name (requests for an unknown name
/// count under "unknown", so a client cannot grow the label set), `protocol`
/// is "kserve_v2", "tfserving" or "other", `status` the HTTP code.
public final class ServingMetrics: @unchecked Sendable {
  public let registry = PrometheusCollectorRegistry()
  /// Request latency buckets in seconds: 0.1 ms to 10 s.
  static let latencyBuckets: [Double] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
  ]
  static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]

  nonisolated(unsafe) static let requests = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "requests", unitName: "total",
    helpText: "HTTP requests answered, by model, protocol and status code")
  nonisolated(unsafe) static let latency = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "request_duration", unitName: "seconds",
    helpText: "Time from a request's body to its response")
  nonisolated(unsafe) static let batchRows = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "batch", unitName: "rows",
    helpText: "Rows per scoring call after micro-batching")
  nonisolated(unsafe) static let rowsScored = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "rows_scored", unitName: "total", helpText: "Rows scored")
  nonisolated(unsafe) static let loadSeconds = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "model_load_duration", unitName: "seconds",
    helpText: "Time the serving version of the model took to load and verify")
  nonisolated(unsafe) static let info = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "model", unitName: "info",
    helpText: "The serving version of each model (value 1): kind, checkpoint CRC-32, version")
  nonisolated(unsafe) static let reloads = MetricNameDescriptor(
    namespace: "cvr", subsystem: "serve", metricName: "model_reloads", unitName: "total",
    helpText: "Reload attempts by result (ok, refused)")

  private var infoGauges: [String: Gauge] = [:]
  private let lock = NSLock()

  public init() {}

  /// One answered request.
  public func recordRequest(model: String, protocol name: String, status: Int, seconds: Double) {
    let labels = [("model", model), ("protocol", name)]
    registry.makeCounter(descriptor: Self.requests, labels: labels + [("status", String(status))]).increment()
    registry.makeValueHistogram(descriptor: Self.latency, labels: labels, buckets: Self.latencyBuckets).record(seconds)
  }

  /// One scoring call of the micro-batcher.
  public func recordBatch(model: String, rows: Int) {
    registry.makeValueHistogram(descriptor: Self.batchRows, labels: [("model", model)], buckets: Self.batchBuckets)
      .record(Double(rows))
    registry.makeCounter(descriptor: Self.rowsScored, labels: [("model", model)]).increment(by: Int64(rows))
  }

  /// A model version now serving: its load time and the `_info` series (the
  /// previous version's series is removed, so each model has exactly one).
  public func recordLoad(_ model: ServedModel) {
    registry.makeGauge(descriptor: Self.loadSeconds, labels: [("model", model.name)]).set(model.loadSeconds)
    let gauge = registry.makeGauge(
      descriptor: Self.info,
      labels: [("model", model.name), ("kind", model.kind), ("display_name", model.displayName),
               ("checksum", model.checksum), ("version", String(model.version))])
    gauge.set(1.0)
    lock.lock()
    defer { lock.unlock() }
    if let old = infoGauges[model.name], old !== gauge { registry.unregisterGauge(old) }
    infoGauges[model.name] = gauge
  }

  /// A reload attempt.
  public func recordReload(model: String, ok: Bool) {
    registry.makeCounter(descriptor: Self.reloads, labels: [("model", model), ("result", ok ? "ok" : "refused")])
      .increment()
  }

  /// The text exposition format (version 0.0.4).
  public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
