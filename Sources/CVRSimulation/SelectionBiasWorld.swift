// EGEAN's sample selection bias as a simulated ad log: clicks depend on the
// covariates through one function, conversions through another, so the click
// space is a shifted sample of the exposure space. docs/data-simulators.md.
import CVRData
import Foundation

/// Exposures whose click propensity and conversion rate are different functions of
/// the same covariates (EGEAN §1): the covariates of clicked and unclicked rows
/// differ (covariate shift), and the CVR seen on clicks is biased relative to the
/// exposure space. Every row carries its true CTR, true CVR and potential conversion.
public enum SelectionBiasWorld {
  /// Size knobs.
  public struct Config: Sendable, Equatable {
    public var users: Int
    public var items: Int
    public var categories: Int
    /// User segments (a sparse user feature with its own click and conversion effects).
    public var segments: Int
    /// Rows, spread evenly over `days` (day indices 0 ..< days, for day-range splits).
    public var exposures: Int
    public var days: Int
    /// Display positions 0 ..< positions; deep positions give small propensities.
    public var positions: Int
    /// Width of the latent user and item vectors behind the affinity covariate.
    public var latentDim: Int

    public init(
      users: Int, items: Int, categories: Int, segments: Int = 8, exposures: Int, days: Int = 14, positions: Int = 20,
      latentDim: Int = 4
    ) {
      self.users = users
      self.items = items
      self.categories = categories
      self.segments = segments
      self.exposures = exposures
      self.days = days
      self.positions = positions
      self.latentDim = latentDim
    }

    /// 150k exposures over 14 days: the demo size.
    public static let small = Config(users: 20_000, items: 5_000, categories: 50, exposures: 150_000)

    /// A few thousand rows for tests.
    public static let tiny = Config(users: 400, items: 300, categories: 10, exposures: 4_000, days: 7)

    func check() throws {
      guard users > 0, items > 0, categories > 0, segments > 0, exposures > 0, days > 0, positions > 0, latentDim > 0
      else { throw SimulationError(problem: "SelectionBiasWorld.Config: every knob must be positive (\(self))") }
    }
  }

  /// Writes `data.csv` and `schema.yaml` into `directory` (which must exist) through
  /// AtomicFile. The bytes depend only on `config` and `seed`.
  public static func write(_ config: Config, seed: UInt64, to directory: URL) throws -> SimulatedFiles {
    try config.check()
    let data = directory.appendingPathComponent("data.csv")
    let schemaURL = directory.appendingPathComponent("schema.yaml")
    try SchemaText.write(schema(config), comment: schemaComment(config, seed: seed), to: schemaURL)
    var population = SelectionBiasPopulation(config, seed: seed)
    let summary = try population.writeRows(to: data)
    return SimulatedFiles(data: data, schema: schemaURL, calendar: nil, summary: summary)
  }

  /// The schema of `data.csv`.
  static func schema(_ config: Config) -> DataSchema {
    let columns: [ColumnSpec] = [
      .make("day", .day),
      .make("position", .sparse, vocab: config.positions, dim: 4, group: .context),
      .make("user_id", .sparse, vocab: config.users, dim: 16, group: .user),
      .make("user_segment", .sparse, vocab: config.segments, dim: 4, group: .user),
      .make("user_activity", .dense, group: .user, normalize: .standard),
      .make("user_income", .dense, group: .user, normalize: .standard),
      .make("item_id", .sparse, vocab: config.items, dim: 16, group: .item),
      .make("item_category", .sparse, vocab: config.categories, dim: 8, group: .item),
      .make("item_price", .dense, group: .item, normalize: .log),
      .make("item_quality", .dense, group: .item, normalize: .standard),
      .make("user_item_affinity", .dense, group: .interaction, normalize: .standard),
      .make("click", .click),
      .make("conversion", .conversion),
      .make("true_ctr", .truth, truth: .ctr),
      .make("true_cvr", .truth, truth: .cvr),
      .make("potential_conversion", .truth, truth: .potentialConversion),
    ]
    return DataSchema(delimiter: ",", header: true, columns: columns)
  }

  static func schemaComment(_ config: Config, seed: UInt64) -> [String] {
    [
      "SelectionBiasWorld (EGEAN sample selection bias / covariate shift), seed \(seed): \(config.exposures) exposures.",
      "conversion is observed on clicked rows only; potential_conversion is what every row would do if clicked.",
      "See docs/data-simulators.md.",
    ]
  }
}
