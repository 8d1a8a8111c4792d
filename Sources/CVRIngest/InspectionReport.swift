// What `DataInspection.summarize` finds in a loaded data set: funnel counts and
// rates overall, per day, per occasion and per split; JSON through Codable.
import CVRData
import Foundation

/// Exposure → click → conversion counts of a set of rows, with their rates.
///
/// Rates are nil when their denominator is 0 or unknown:
/// CTR = clicks / exposures, CVR = conversions / clicks (post-click),
/// CTCVR = conversions / exposures. A click-space file (no click column) has
/// every row a click and no known exposures.
public struct FunnelCounts: Codable, Equatable, Sendable {
  public let rows: Int
  /// nil for a click-space file (its rows are clicks; exposures were not logged).
  public let exposures: Int?
  public let clicks: Int
  public let conversions: Int
  public let ctr: Double?
  public let cvr: Double?
  public let ctcvr: Double?

  public init(rows: Int, exposures: Int?, clicks: Int, conversions: Int) {
    self.rows = rows
    self.exposures = exposures
    self.clicks = clicks
    self.conversions = conversions
    func ratio(_ a: Int, _ b: Int?) -> Double? {
      guard let b, b > 0 else { return nil }
      return Double(a) / Double(b)
    }
    ctr = ratio(clicks, exposures)
    cvr = ratio(conversions, clicks)
    ctcvr = ratio(conversions, exposures)
  }
}

/// The counts of one day.
public struct DayFunnel: Codable, Equatable, Sendable {
  /// The day index (days since 1970-01-01 when the file held dates).
  public let day: Int32
  public let counts: FunnelCounts
}

/// The counts of one occasion.
public struct OccasionFunnel: Codable, Equatable, Sendable {
  public let code: Int32
  public let name: String
  public let counts: FunnelCounts
}

/// The counts of one split's exposure-space rows.
public struct SplitFunnel: Codable, Equatable, Sendable {
  public let name: String
  public let counts: FunnelCounts
}

/// Rows of one named split, for `DataInspection.summarize(_:splitRows:)`.
public struct SplitRowList: Sendable {
  public let name: String
  public let rows: [Int32]
  public init(name: String, rows: [Int32]) {
    self.name = name
    self.rows = rows
  }
}

/// The summary of a loaded data set.
public struct InspectionReport: Codable, Equatable, Sendable {
  public let overall: FunnelCounts
  /// Ascending by day; empty when the data has no day column.
  public let days: [DayFunnel]
  /// In code order; empty when the data has no occasions.
  public let occasions: [OccasionFunnel]
  /// In the order given; empty when no splits were given.
  public let splits: [SplitFunnel]

  /// The report as pretty-printed JSON with sorted keys (rates nil → absent).
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }
}
