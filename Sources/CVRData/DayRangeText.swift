// The one day-range grammar, shared by every command line and config file:
// "A-B" day indices, a single day "A", or "YYYY-MM-DD..YYYY-MM-DD" dates.
import Foundation

/// A day range that does not parse: what was given, where, and why.
public struct DayRangeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Where the text came from ("--train-days", "train_days").
  public let what: String
  public let text: String
  public let problem: String
  public var description: String {
    "\(what) '\(text)': \(problem) (write A-B with day indices, e.g. 0-55, or YYYY-MM-DD..YYYY-MM-DD)"
  }
}

extension DayRange {
  /// Parses "A-B" or "A..B" (inclusive day indices, days since 1970-01-01 as the
  /// data's day column holds them), "A" (one day), or "YYYY-MM-DD..YYYY-MM-DD".
  ///
  /// - Throws: `DayRangeError` naming `what` (e.g. "--train-days") and the accepted forms.
  public static func parse(_ text: String, what: String) throws -> DayRange {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    func fail(_ why: String) -> DayRangeError { DayRangeError(what: what, text: text, problem: why) }
    let parts: [Substring]
    if trimmed.contains("..") {
      parts = trimmed.split(separator: ".", omittingEmptySubsequences: true)
    } else {
      parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
    }
    guard parts.count == 1 || parts.count == 2 else { throw fail("not a range") }
    let first = String(parts[0]), last = String(parts[parts.count - 1])
    let range: DayRange
    if let a = Int32(first), let b = Int32(last) {
      range = DayRange(a, b)
    } else if let a = DayRange.day(first), let b = DayRange.day(last) {
      range = DayRange(a, b)
    } else {
      throw fail("not day indices or dates")
    }
    guard range.lower >= 0 else { throw fail("days cannot be negative") }
    guard !range.isEmpty else { throw fail("the first day comes after the last") }
    return range
  }

  /// "A-B" (or "A" for one day): the form `parse` reads back.
  public var text: String { lower == upper ? "\(lower)" : "\(lower)-\(upper)" }
}
