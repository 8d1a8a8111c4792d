// The DDF worlds by name, with the day splits each is meant for: the demo's
// world, the same at five times the traffic, and the world with real fluctuation.
// `cvr data generate --world NAME` and `train-metacvr --world NAME` read this table.

/// A DDF world that tools name: its config and its D / D_r / D_v day ranges.
public struct DDFNamedWorld: Sendable {
  public let name: String
  /// One line for help texts and reports.
  public let summary: String
  public let config: DDFWorld.Config
  /// Day ranges ("A-B", inclusive) of D, D_r (inside D, its end) and D_v (after D).
  public let train: String, recent: String, valid: String

  /// Every named world, in the order `make worlds` runs them.
  public static let all: [DDFNamedWorld] = [demo, fiveTimesTraffic, fluctuation]

  public static func named(_ name: String) -> DDFNamedWorld? { all.first { $0.name == name } }

  /// `DDFWorld.small`, what `train-metacvr --demo` writes: 70 days, 2 000 exposures a day,
  /// five centred promotions that repeat every 14 days.
  public static let demo = DDFNamedWorld(
    name: "ddf", summary: "the demo world (DDFWorld.small): 70 days x 2 000 exposures, promotions alike every 14 days",
    config: .small, train: "0-55", recent: "42-55", valid: "56-69")

  /// The demo world at five times the traffic (10 000 exposures a day, same population).
  public static let fiveTimesTraffic: DDFNamedWorld = {
    var config = DDFWorld.Config.small
    config.exposuresPerDay = 10_000
    return DDFNamedWorld(name: "ddf-5x", summary: "the demo world at 5x traffic: 70 days x 10 000 exposures",
                         config: config, train: "0-55", recent: "42-55", valid: "56-69")
  }()

  /// Real fluctuation (docs/data-simulators.md): promotions that differ from each
  /// other, on random dates, an abrupt shift three weeks before D_v (day 35), labels
  /// of D censored at the training cut (day 56), 5x the demo's traffic and 3x its users.
  /// The values are a reconstruction of MetaCVR §1's setting, chosen before any model
  /// was run on it (not tuned to make a model win).
  public static let fluctuation = DDFNamedWorld(
    name: "ddf-fluctuation",
    summary: "real fluctuation: promotions that differ, random dates, a shift on day 35, labels censored at day 56, "
      + "70 days x 10 000 exposures",
    config: DDFWorld.Config(
      users: 15_000, items: 4_000, categories: 60, brands: 300, exposuresPerDay: 10_000,
      fluctuation: DDFWorld.Fluctuation(
        randomDates: true, promotionVariety: 0.6, shiftDay: 35, shiftRotation: 0.8, shiftPriceFactor: 1.5,
        shiftIntercept: [0.3, -0.3, 0.4, 0.2], censorDay: 56)),
    train: "0-55", recent: "42-55", valid: "56-69")
}
