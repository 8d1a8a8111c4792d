// The three day-range flags of MetaCVR §3.1.1 (D, D_r, D_v), declared once for
// `cvr data inspect` and `train-metacvr`.
import ArgumentParser
import CVRData

/// `--train-days`, `--recent-days`, `--valid-days`.
package struct SplitDaysOptions: ParsableArguments {
  // `transform` rather than ExpressibleByArgument, so a rejected value says why.
  @Option(help: "Training days D: day indices A-B (e.g. 0-55) or dates YYYY-MM-DD..YYYY-MM-DD.",
          transform: { try DayRangeOption.parse($0, flag: "--train-days") })
  package var trainDays: DayRangeOption?

  @Option(help: "Recent days D_r, inside D (e.g. 42-55).", transform: { try DayRangeOption.parse($0, flag: "--recent-days") })
  package var recentDays: DayRangeOption?

  @Option(help: "Validation days D_v, after D (e.g. 56-69).", transform: { try DayRangeOption.parse($0, flag: "--valid-days") })
  package var validDays: DayRangeOption?

  package init() {}

  /// How many of the three flags were given.
  package var givenCount: Int { [trainDays, recentDays, validDays].filter { $0 != nil }.count }
}
