// What a simulator wrote: the files a user would bring (data, schema, calendar)
// and the counts the generator collected while writing them.
import CVRData
import Foundation

/// The files of one simulated world, ready for `DataIngest.load(data, schema: .load(from: schema))`.
public struct SimulatedFiles: Sendable {
  /// The CSV of exposures (one row per impression, with a header line).
  public let data: URL
  /// The schema YAML describing `data` (it names `calendar` when there is one).
  public let schema: URL
  /// `day,occasion` lines (header first), or nil for worlds without occasions.
  public let calendar: URL?
  /// Counts gathered while the rows were written (truth the CSV also carries).
  public let summary: SimulationSummary

  public init(data: URL, schema: URL, calendar: URL?, summary: SimulationSummary) {
    self.data = data
    self.schema = schema
    self.calendar = calendar
    self.summary = summary
  }
}

/// Counts of a simulated log, overall and per group (occasions for DDFWorld,
/// a single "all" group for SelectionBiasWorld), plus covariate means split by click.
public struct SimulationSummary: Sendable, Equatable {
  /// Counts of the rows of one group.
  public struct Group: Sendable, Equatable {
    public let name: String
    public internal(set) var exposures = 0
    public internal(set) var clicks = 0
    /// Conversion labels as written (delayed ones past the window are 0).
    public internal(set) var observedConversions = 0
    /// Clicked rows that convert eventually (observed or not).
    public internal(set) var clickedConversions = 0
    /// Rows whose potential conversion is 1 (clicked or not).
    public internal(set) var potentialConversions = 0
    /// Clicked rows with the post-click action (cart).
    public internal(set) var actions = 0

    public init(name: String) { self.name = name }

    /// Eventual conversions per click: the CVR a model trained on clicks targets.
    public var clickCVR: Double { clicks == 0 ? 0 : Double(clickedConversions) / Double(clicks) }
    /// Potential conversions per exposure: the CVR over the entire exposure space.
    public var exposureCVR: Double { exposures == 0 ? 0 : Double(potentialConversions) / Double(exposures) }
    public var ctr: Double { exposures == 0 ? 0 : Double(clicks) / Double(exposures) }
  }

  /// Mean of one dense covariate over clicked and over unclicked rows.
  public struct CovariateMeans: Sendable, Equatable {
    public let name: String
    public let clicked: Double
    public let unclicked: Double
  }

  public internal(set) var groups: [Group]
  public internal(set) var covariates: [CovariateMeans] = []

  public init(groups: [Group]) { self.groups = groups }

  public var rows: Int { groups.reduce(0) { $0 + $1.exposures } }

  /// The group named `name`, if any.
  public func group(_ name: String) -> Group? { groups.first { $0.name == name } }
}

extension SimulationSummary.Group {
  /// Adds one row's outcomes.
  mutating func count(click: Bool, potential: Bool, observed: Bool, action: Bool) {
    exposures += 1
    if potential { potentialConversions += 1 }
    guard click else { return }
    clicks += 1
    if potential { clickedConversions += 1 }
    if observed { observedConversions += 1 }
    if action { actions += 1 }
  }
}
