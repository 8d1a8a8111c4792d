// A day range on the command line: "a-b" (inclusive) or a single day "a".
import ArgumentParser

/// Inclusive day indices parsed from "a-b" or "a".
struct DayRangeArgument: ExpressibleByArgument, Equatable {
  let lower: Int32
  let upper: Int32

  init?(argument: String) {
    let parts = argument.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 1 || parts.count == 2,
      let lower = Int32(parts[0]), let upper = Int32(parts[parts.count - 1]), lower >= 0, lower <= upper
    else { return nil }
    self.lower = lower
    self.upper = upper
  }
}
