// MetaCVR's Data Distribution Fluctuation as a simulated shop: ten weeks of
// exposures with promotions (BP/DP/AP/NP), a purchase mechanism that differs by
// occasion and drifts by day; docs/data-simulators.md tells the whole story.
import CVRData
import Foundation

/// A small-scenario shop whose conversion behaviour changes with the occasion
/// and drifts slowly over the days (MetaCVR §1, §3.1).
///
/// `write` produces `data.csv`, `schema.yaml` and `calendar.csv` in a directory:
/// the same files a user would bring, read through the same ingestion.
public enum DDFWorld {
  /// Size and shape knobs.
  public struct Config: Sendable, Equatable {
    public var users: Int
    public var items: Int
    public var categories: Int
    public var brands: Int
    /// Days of log (day indices 0 ..< days).
    public var days: Int
    /// Promotions, spread evenly: one per block of days / promotions days.
    public var promotions: Int
    /// Lengths of the before / during / after phases of each promotion.
    public var beforeDays: Int
    public var duringDays: Int
    public var afterDays: Int
    /// Exposures generated per day (the row count is days × exposuresPerDay).
    public var exposuresPerDay: Int
    /// Longest behaviour sequence kept per user (hist_items / hist_cats / hist_brands).
    public var sequenceLength: Int
    /// Display positions 0 ..< positions (lower is more visible).
    public var positions: Int
    /// Width of the latent preference vectors.
    public var latentDim: Int
    /// Radians user preferences rotate per day (the slow drift).
    public var driftPerDay: Double
    /// Promotions that differ, random dates, an abrupt shift, censoring at the training cut (`Fluctuation`).
    public var fluctuation: Fluctuation

    public init(
      users: Int, items: Int, categories: Int, brands: Int, days: Int = 70, promotions: Int = 5, beforeDays: Int = 2,
      duringDays: Int = 3, afterDays: Int = 2, exposuresPerDay: Int, sequenceLength: Int = 20, positions: Int = 10,
      latentDim: Int = 8, driftPerDay: Double = 0.02, fluctuation: Fluctuation = .off
    ) {
      self.users = users
      self.items = items
      self.categories = categories
      self.brands = brands
      self.days = days
      self.promotions = promotions
      self.beforeDays = beforeDays
      self.duringDays = duringDays
      self.afterDays = afterDays
      self.exposuresPerDay = exposuresPerDay
      self.sequenceLength = sequenceLength
      self.positions = positions
      self.latentDim = latentDim
      self.driftPerDay = driftPerDay
      self.fluctuation = fluctuation
    }

    /// About 140k rows over 70 days with 5 promotions: the demo size (trains in minutes on 2 cores).
    public static let small = Config(users: 5_000, items: 2_000, categories: 40, brands: 200, exposuresPerDay: 2_000)

    /// A few thousand rows for tests.
    public static let tiny = Config(
      users: 300, items: 200, categories: 8, brands: 20, days: 28, promotions: 2, exposuresPerDay: 150,
      sequenceLength: 8)

    /// Checks that the knobs describe a world that can be generated.
    func check() throws {
      func need(_ ok: Bool, _ what: String) throws {
        if !ok { throw SimulationError(problem: "DDFWorld.Config: \(what)") }
      }
      try need(users > 0 && items > 0 && categories > 0 && brands > 0, "users, items, categories, brands must be positive")
      try need(days > 0 && exposuresPerDay > 0, "days and exposuresPerDay must be positive")
      try need(promotions >= 0 && beforeDays >= 0 && duringDays >= 1 && afterDays >= 0, "bad promotion lengths")
      try need(
        promotions == 0 || days / promotions >= beforeDays + duringDays + afterDays + 1,
        "\(promotions) promotions of \(beforeDays + duringDays + afterDays) days do not fit in \(days) days with NP days between")
      try need(sequenceLength > 0 && positions > 0 && latentDim >= 2, "sequenceLength, positions > 0, latentDim >= 2")
      if fluctuation.randomDates {
        try need(promotions == 0 || days / promotions >= 3 + 4 + 3 + 2,
                 "random promotion dates need blocks of at least 12 days (days / promotions)")
      }
      try fluctuation.check(days: days)
    }
  }

  /// Occasion names in code order (the schema's `occasions`).
  public static let occasionNames = ["NP", "BP", "DP", "AP"]

  /// Writes `data.csv`, `schema.yaml` and `calendar.csv` into `directory` (which must
  /// exist) through AtomicFile. The bytes depend only on `config` and `seed`.
  public static func write(_ config: Config, seed: UInt64, to directory: URL) throws -> SimulatedFiles {
    try config.check()
    let calendar = DDFCalendar(config, seed: seed)
    let files = (
      data: directory.appendingPathComponent("data.csv"),
      schema: directory.appendingPathComponent("schema.yaml"),
      calendar: directory.appendingPathComponent("calendar.csv")
    )
    try calendar.write(to: files.calendar)
    try SchemaText.write(schema(config), comment: schemaComment(config, seed: seed), to: files.schema)
    var world = DDFPopulation(config, calendar: calendar, seed: seed)
    let summary = try world.writeRows(to: files.data)
    return SimulatedFiles(data: files.data, schema: files.schema, calendar: files.calendar, summary: summary)
  }
}

/// Knobs that cannot describe a world.
public struct SimulationError: Error, CustomStringConvertible {
  public let problem: String
  public var description: String { problem }
}
