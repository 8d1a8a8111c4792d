// Scored rows as metrics read them: a label, a score and optionally a user per row.

/// The columns `cvr evaluate` needs, one entry per data row.
public struct ScoreColumns: Sendable {
  public var labels: [Bool] = []
  public var scores: [Double] = []
  /// User ids hashed from their bytes (FNV-1a 64), when a user column was asked for.
  public var users: [Int]? = nil
  public init() {}
}
