// The three day-range flags of MetaCVR §3.1.1 (D, D_r, D_v), declared once for
// `cvr data inspect` and `train-metacvr`.
import ArgumentParser
import CVRData

/// `--train-days`, `--recent-days`, `--valid-days`.
public struct SplitDaysOptions: ParsableArguments {
  @Option(help: "Training days D: day indices A-B (e.g. 0-55) or dates YYYY-MM-DD..YYYY-MM-DD.")
  public var trainDays: DayRangeOption?

  @Option(help: "Recent days D_r, inside D (e.g. 42-55).")
  public var recentDays: DayRangeOption?

  @Option(help: "Validation days D_v, after D (e.g. 56-69).")
  public var validDays: DayRangeOption?

  public init() {}

  /// How many of the three flags were given.
  public var givenCount: Int { [trainDays, recentDays, validDays].filter { $0 != nil }.count }
}
