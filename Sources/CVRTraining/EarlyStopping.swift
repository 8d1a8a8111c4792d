// What early stopping watches on the held-out rows: a metric of one head's
// probabilities against that head's labels.
import CVRData
import CVRMetrics
import CVRModels

/// The validation criterion of `Trainer.fit`.
public struct EarlyStoppingPolicy: Sendable, Equatable, Codable {
  public enum Metric: String, Sendable, Codable {
    /// Higher is better.
    case auc
    /// Lower is better.
    case logLoss = "log_loss"
  }

  public var metric: Metric
  /// The head scored: `.cvr` against conversions (click-space rows), `.ctr`
  /// against clicks, `.ctcvr` against click ∧ conversion (exposure-space rows).
  public var head: PredictionHead

  /// MetaCVR's criterion: CVR AUC on held-out clicked rows.
  public static let cvrAUC = EarlyStoppingPolicy(metric: .auc, head: .cvr)

  public init(metric: Metric, head: PredictionHead) {
    self.metric = metric
    self.head = head
  }

  /// The labels of `rows` for `head`.
  public func labels(_ store: ColumnStore, rows: [Int32]) throws -> [Bool] {
    switch head {
    case .cvr: return try SplitMetrics.labels(store, rows: rows)
    case .ctr, .ctcvr:
      guard let clicks = store.clicks else { throw TrainingError.data("the schema has no click column (role: click)") }
      if head == .ctr { return rows.map { clicks[Int($0)] > 0.5 } }
      let conversions = try SplitMetrics.labels(store, rows: rows)
      return zip(rows, conversions).map { clicks[Int($0.0)] > 0.5 && $0.1 }
    }
  }

  /// The watched value of `metrics`, oriented so that larger is better (nil: undefined).
  func score(_ metrics: SplitMetrics) -> Double? {
    switch metric {
    case .auc: metrics.auc
    case .logLoss: metrics.logLoss.map { -$0 }
    }
  }
}
