// The three numbers every model is judged by on a split of clicked rows: AUC,
// log loss and user-grouped AUC of the CVR scores against the conversion labels.
import CVRData
import CVRMetrics

/// AUC, log loss and GAUC of scores against conversions (nil when undefined).
public struct SplitMetrics: Sendable, Equatable {
  public var auc: Double?
  public var logLoss: Double?
  public var gauc: Double?

  public init(auc: Double? = nil, logLoss: Double? = nil, gauc: Double? = nil) {
    self.auc = auc
    self.logLoss = logLoss
    self.gauc = gauc
  }

  /// The labels (conversion > 0.5) of `rows`; throws when the data has no conversion column.
  public static func labels(_ store: ColumnStore, rows: [Int32]) throws -> [Bool] {
    do { return try store.conversionLabels(rows: rows) } catch let error as SplitError {
      throw TrainingError.data(error.problem)
    }
  }

  /// The user key of each row for GAUC: the sparse column `userColumn`.
  public static func users(_ store: ColumnStore, rows: [Int32], userColumn: String?) -> [Int]? {
    guard let userColumn, let ids = store.ids[userColumn] else { return nil }
    return rows.map { Int(ids[Int($0)]) }
  }

  /// The column GAUC groups by: "user_id" when the schema has it, else the first
  /// sparse column of the user group, else none.
  public static func defaultUserColumn(_ schema: DataSchema) -> String? { schema.defaultUserColumn }

  /// AUC = P(s⁺ > s⁻), log loss = −mean(y log p + (1−y) log(1−p)), GAUC = impression-weighted per-user AUC.
  public static func compute(scores: [Float], labels: [Bool], users: [Int]?) -> SplitMetrics {
    let s = scores.map(Double.init)
    return SplitMetrics(
      auc: AUC.compute(scores: s, labels: labels),
      logLoss: LogLoss.fromProbabilities(s, labels: labels),
      gauc: users.flatMap { GAUC.compute(scores: s, labels: labels, users: $0).value })
  }
}
