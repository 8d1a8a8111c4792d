// What `cvr evaluate` prints: the split metrics of one score column, computed
// globally, as JSON with stable keys.
import CVRMetrics
import Foundation

/// Global metrics of one score column against one label column.
public struct EvaluationSummary: Encodable, Sendable {
  public struct GAUCPart: Encodable, Sendable {
    public let value: Double?
    public let usersKept: Int
    public let usersTotal: Int
    public let impressionShare: Double
  }

  public struct IntervalPart: Encodable, Sendable {
    public let metric: String
    public let estimate: Double
    public let lower: Double
    public let upper: Double
    public let level: Double
    public let resamples: Int
    public let undefinedResamples: Int
    public let seed: UInt64
  }

  public let rows: Int
  public let positives: Int
  /// Nil (JSON null) without both classes.
  public let auc: Double?
  public let gauc: GAUCPart?
  /// Only when every score is a probability in [0, 1].
  public let logloss: Double?
  /// Why `logloss` is absent, when it is.
  public let loglossNote: String?
  public let pcoc: Double?
  public let bootstrap: IntervalPart?

  /// Computes every metric over all rows of `columns`; `bootstrapResamples`
  /// asks for a seeded percentile interval of the AUC at level 1 − `alpha`.
  public init(_ columns: ScoreColumns, bootstrapResamples: Int? = nil, seed: UInt64 = 0, alpha: Double = 0.05) {
    let scores = columns.scores, labels = columns.labels
    rows = scores.count
    positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
    auc = scores.isEmpty ? nil : AUC.compute(scores: scores, labels: labels)
    gauc = columns.users.map { users in
      let g = GAUC.compute(scores: scores, labels: labels, users: users)
      return GAUCPart(value: g.value, usersKept: g.usersKept, usersTotal: g.usersTotal, impressionShare: g.impressionShare)
    }
    let probabilities = scores.allSatisfy { $0 >= 0 && $0 <= 1 }
    if probabilities {
      logloss = LogLoss.fromProbabilities(scores, labels: labels)
      loglossNote = scores.isEmpty ? "no rows" : nil
      pcoc = PCOC.compute(probabilities: scores, labels: labels)
    } else {
      logloss = nil
      loglossNote = "scores outside [0, 1] are not probabilities: log loss and PCOC skipped"
      pcoc = nil
    }
    bootstrap = bootstrapResamples.flatMap { b in
      Bootstrap.auc(scores: scores, labels: labels, resamples: b, alpha: alpha, seed: seed).map {
        IntervalPart(
          metric: "auc", estimate: $0.estimate, lower: $0.lower, upper: $0.upper, level: $0.level,
          resamples: $0.resamples, undefinedResamples: $0.undefinedResamples, seed: seed)
      }
    }
  }

  enum CodingKeys: String, CodingKey {
    case rows, positives, auc, gauc, logloss, pcoc, bootstrap
    case loglossNote = "logloss_note"
  }

  /// Writes `auc` and `pcoc` as null when undefined (an absent key reads as
  /// "not computed"); optional sections are left out when not asked for.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(rows, forKey: .rows)
    try c.encode(positives, forKey: .positives)
    try c.encode(auc, forKey: .auc)
    try c.encodeIfPresent(gauc, forKey: .gauc)
    try c.encodeIfPresent(logloss, forKey: .logloss)
    try c.encodeIfPresent(loglossNote, forKey: .loglossNote)
    try c.encode(pcoc, forKey: .pcoc)
    try c.encodeIfPresent(bootstrap, forKey: .bootstrap)
  }

  /// Pretty-printed JSON with sorted keys; nested keys are snake_case.
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }
}
